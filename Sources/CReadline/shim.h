// GNU readline and its history library (Debian: libreadline-dev), with small
// accessors so that Swift never touches readline's global variables directly.
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <readline/readline.h>
#include <readline/history.h>

typedef char **(*backstep_completion_function)(const char *, int, int);

static inline void backstep_set_completion(backstep_completion_function function) {
  rl_attempted_completion_function = function;
  // Without our own matches, do not fall back to completing file names.
  rl_completion_entry_function = NULL;
}

static inline void backstep_suppress_filename_completion(void) {
  rl_attempted_completion_over = 1;
}

/// What readline types after a unique completion (a space unless told otherwise, each time).
static inline void backstep_set_completion_append(char character) {
  rl_completion_append_character = character;
}

static inline void backstep_set_word_breaks(const char *breaks) {
  rl_basic_word_break_characters = (char *)breaks;
}

/// Abandons the line being edited after Ctrl-C: a fresh, empty prompt.
static inline void backstep_cancel_line(void) {
  rl_replace_line("", 0);
  rl_crlf();
  rl_on_new_line();
}

static inline void backstep_set_readline_name(const char *name) {
  rl_readline_name = name;
}

/// Leaves SIGINT to Backstep's own handler: readline's, installed process-wide while it reads a
/// key, would run on whichever thread the kernel picks and echo its own ^C.
/// After the process was stopped and continued: the terminal in readline's mode again, and the
/// prompt and the line being edited drawn again.
static inline void backstep_restore_terminal(void) {
  rl_deprep_terminal();
  rl_prep_terminal(1);
  rl_forced_update_display();
}

static inline void backstep_leave_interrupts_to_caller(void) {
  rl_catch_signals = 0;
}

static inline const char *backstep_line_buffer(void) {
  return rl_line_buffer;
}

// glibc declares ppoll only under _GNU_SOURCE, which Swift's Glibc module is not built with.
extern int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask);

/// Waits until standard input has a key, with `mask` as the signal mask while waiting
/// (so that SIGINT, held back otherwise, interrupts exactly this wait).
static inline int backstep_wait_for_key(const sigset_t *mask) {
  struct pollfd descriptor = { .fd = 0, .events = POLLIN, .revents = 0 };
  return ppoll(&descriptor, 1, NULL, mask);
}
