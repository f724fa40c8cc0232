/* kexec-loader as an ordinary command (not PID 1). */
#ifndef KL_HOSTMODE_H
#define KL_HOSTMODE_H
int host_main(int argc, char **argv);
#endif
