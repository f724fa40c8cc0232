/* The debug log: written to the debug console (tty3 or debug_tty=) and kept
 * in memory for the log viewer. In host mode it goes to stderr when verbose. */
#ifndef KL_LOG_H
#define KL_LOG_H
#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Where the log is written: a file descriptor, or -1 for nowhere. */
void log_set_fd(int fd);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* The messages kept in memory, oldest first (for the log viewer). */
size_t log_count(void);
const char *log_line(size_t i, enum log_level *lvl);
size_t log_errors(void);

#endif
