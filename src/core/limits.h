/* Every bound on what input from a disk (or the network) may cost PID 1, in
 * one place. A USB stick anyone can write to must not be able to exhaust
 * the memory or the time of the machine it is plugged into: each number
 * here caps one kind of work or memory, and hitting it gives a message that
 * names the file and says what was left out. docs/limits.md explains them to
 * users; bench/hostile measures what the worst inputs cost against them. */
#ifndef KL_LIMITS_H
#define KL_LIMITS_H
#include <stddef.h>

/* ---- configuration files: sizes read ---- */
#define KL_MAX_CONF_FILE ((size_t)1 << 20)     /* kexec-loader.conf */
#define KL_MAX_GRUB_FILE ((size_t)4 << 20)     /* one grub.cfg or sourced script */
#define KL_MAX_TEXT_FILE ((size_t)1 << 20)     /* menu.lst, syslinux.cfg, a BLS entry */
#define KL_MAX_SMALL_FILE ((size_t)64 << 10)   /* device.map, loader.conf */

/* ---- the GRUB 2 interpreter ---- */
#define KL_GRUB_MAX_STEPS 100000               /* loop iterations and calls, in all */
#define KL_GRUB_MAX_CMDS 2000000               /* commands run, in all */
#define KL_GRUB_MAX_DEPTH 32                   /* nested calls, sources, blocks, submenus */
#define KL_GRUB_MAX_ENTRIES 20000              /* menu entries, in all */
#define KL_MAX_VALUE ((size_t)64 << 10)        /* one expanded word or BLS value */
#define KL_GRUB_MAX_BYTES ((size_t)16 << 20)   /* bytes of words expanded, in all */
#define KL_GRUB_MAX_OUT ((size_t)1 << 20)      /* bytes echo writes, in all */
#define KL_GRUB_MAX_VARS 4096                  /* variables */
#define KL_GRUB_MAX_FUNCS 4096                 /* functions */
/* Script text kept for one grub.cfg and everything it sources, configfiles
 * or evals: the parsed trees of sourced files stay alive (menu entries
 * point into them), so a loop sourcing a big file would grow without end. */
#define KL_GRUB_MAX_TEXT ((size_t)16 << 20)
/* Bytes read from files by one grub.cfg run (source, configfile, load_env,
 * test -s): reading a 4 MiB grubenv in a loop is work the step count does
 * not see. */
#define KL_GRUB_MAX_READ ((size_t)64 << 20)
/* Memory the parsed trees of those texts take: a small file sourced thousands
 * of times costs a tree each, far more than its text. */
#define KL_GRUB_MAX_TREES ((size_t)64 << 20)

/* ---- other parsers ---- */
#define KL_MAX_TARGETS_PER_FILE 20000          /* SYSLINUX labels, BLS entries, … */

/* ---- diagnostics ("FILE:LINE: message" lines) ---- */
#define KL_DIAG_PER_FILE 50                    /* messages kept per file */
#define KL_DIAG_FILES 64                       /* files counted apart; others share the total */
#define KL_DIAG_MAX 1000                       /* messages kept in all */

/* ---- loading a target for kexec ---- */
#define KL_MAX_LOAD_FILE ((size_t)2 << 30)     /* one kernel, initrd or module as read */
#define KL_MAX_UNPACKED_KERNEL ((size_t)256 << 20) /* a compressed kernel, unpacked */
#define KL_MAX_UNPACKED ((size_t)1 << 30)      /* a compressed Multiboot module, unpacked */
/* Memory left to the running system while a target is loaded: the files
 * read and unpacked for one kexec_load must fit in what is available minus
 * this, or loading stops with a message naming the file that did not fit. */
#define KL_LOAD_RESERVE ((size_t)32 << 20)

/* ---- peak memory one hostile configuration input may cost (measured by
 * make bench, enforced in the fuzz harnesses) ---- */
#define KL_BUDGET_CONFIG_MB 256

#endif
