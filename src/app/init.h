/* kexec-loader as PID 1 (docs/architecture.md, the flow; kexec-loader(8)). */
#ifndef KL_INIT_H
#define KL_INIT_H
_Noreturn void init_main(int argc, char **argv);
#endif
