/* kexec-loader as PID 1 (SPEC section 1). */
#ifndef KL_INIT_H
#define KL_INIT_H
_Noreturn void init_main(int argc, char **argv);
#endif
