#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include "CCursesShim.h"

#include <curses.h>
#include <errno.h>
#include <link.h>
#include <malloc.h>
#include <sys/auxv.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

// MARK: screen lifetime

static SCREEN *ccs_screen = NULL;

int ccs_newterm(void) {
    if (ccs_screen != NULL) return 0;
    ccs_screen = newterm(NULL, stdout, stdin);
    if (ccs_screen == NULL) return -1;
    set_term(ccs_screen);
    // A screen from newterm stays in ncurses' "initial" state until it first comes back
    // from endwin, and in that state (ncurses 6.4) every cursor movement flushes the
    // output: a frame left in one write per line or less (58 writes for the first frame,
    // each waking the terminal) instead of one. Leaving once and resuming, before anything
    // is drawn, puts it in the running state. What this writes is the alternate screen
    // entered and left in one write, then entered again: nothing the terminal shows
    // changes in between (DECISIONS 102).
    typeahead(-1);
    endwin();
    doupdate();
    return 0;
}

// term.h would bring terminfo names such as `lines` in as macros; this is all we need.
extern char *tigetstr(const char *);

int ccs_can_address_cursor(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1 && *cup != '\0';
}

void ccs_endwin(void) {
    if (ccs_screen != NULL) endwin();
}

void ccs_delscreen(void) {
    if (ccs_screen == NULL) return;
    delscreen(ccs_screen);
    ccs_screen = NULL;
}

// MARK: modes

int ccs_raw(void) { return raw(); }
int ccs_noecho(void) { return noecho(); }
int ccs_nonl(void) { return nonl(); }
int ccs_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
int ccs_intrflush(int on) { return intrflush(stdscr, on ? TRUE : FALSE); }
int ccs_typeahead(int fd) { return typeahead(fd); }
int ccs_leaveok(int on) { return leaveok(stdscr, on ? TRUE : FALSE); }
int ccs_curs_set(int visibility) { return curs_set(visibility); }

// MARK: colour

int ccs_has_colors(void) { return has_colors() ? 1 : 0; }
int ccs_start_color(void) { return start_color(); }
int ccs_use_default_colors(void) { return use_default_colors(); }
int ccs_colors(void) { return COLORS; }
int ccs_color_pairs(void) { return COLOR_PAIRS; }
int ccs_init_pair(int pair, int foreground, int background) {
    return init_extended_pair(pair, foreground, background);
}

unsigned int ccs_attr_normal(void) { return (unsigned int)A_NORMAL; }
unsigned int ccs_attr_bold(void) { return (unsigned int)A_BOLD; }
unsigned int ccs_attr_dim(void) { return (unsigned int)A_DIM; }
unsigned int ccs_attr_italic(void) { return (unsigned int)A_ITALIC; }
unsigned int ccs_attr_underline(void) { return (unsigned int)A_UNDERLINE; }
unsigned int ccs_attr_reverse(void) { return (unsigned int)A_REVERSE; }

// MARK: size

int ccs_lines(void) {
    int y = 0, x = 0;
    if (stdscr == NULL) return 0;
    getmaxyx(stdscr, y, x);
    (void)x;
    return y < 0 ? 0 : y;
}

int ccs_cols(void) {
    int y = 0, x = 0;
    if (stdscr == NULL) return 0;
    getmaxyx(stdscr, y, x);
    (void)y;
    return x < 0 ? 0 : x;
}

int ccs_resizeterm(int lines, int columns) { return resizeterm(lines, columns); }

int ccs_window_size(int fd, int *lines, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return -1;
    *lines = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

// MARK: drawing

int ccs_put_cell(int y, int x, const wchar_t *text, int count, unsigned int attributes, int pair) {
    wchar_t chars[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    if (n <= 0) return ERR;
    memcpy(chars, text, (size_t)n * sizeof(wchar_t));
    chars[n] = L'\0';
    cchar_t cell;
    int extended_pair = pair;
    short legacy_pair = (short)(pair > 32767 ? 0 : pair);
    if (setcchar(&cell, chars, (attr_t)attributes, legacy_pair, &extended_pair) == ERR) return ERR;
    return mvadd_wch(y, x, &cell);
}

int ccs_move(int y, int x) { return move(y, x); }
int ccs_erase(void) { return erase(); }
int ccs_clearok(int on) { return clearok(curscr, on ? TRUE : FALSE); }
int ccs_wnoutrefresh(void) { return wnoutrefresh(stdscr); }
int ccs_doupdate(void) { return doupdate(); }
int ccs_wcwidth(wchar_t c) { return wcwidth(c); }
int ccs_ccharw_max(void) { return CCHARW_MAX; }

// MARK: restoration
//
// Everything below may run inside a signal handler: only async-signal-safe calls
// (write, read, lseek, fstat, dup2, close, tcsetattr, sigaction, raise), and state kept
// in statics set up before the handlers are installed.

static int tty_fd = -1;
static struct termios saved_termios;
static int have_saved_termios = 0;
static char reset_sequence[256];
static size_t reset_length = 0;

static int pipe_read = -1, pipe_write = -1;
static int graceful = 0;
static volatile sig_atomic_t pending_termination = 0;

static int stderr_saved = -1, stderr_capture = -1;
static const off_t stderr_replay_limit = 64 * 1024;

// SIGUSR1 and SIGPIPE end the program by default too: with no handler they left the
// terminal on the alternate screen with mouse reporting on.
static const int termination_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE};
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGQUIT, SIGSYS};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
static struct sigaction previous_actions[NSIG];
static int handlers_installed = 0;

static void write_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, bytes, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        bytes += n;
        length -= (size_t)n;
    }
}

int ccs_save_terminal(int fd) {
    tty_fd = fd;
    if (tcgetattr(fd, &saved_termios) != 0) return -1;
    have_saved_termios = 1;
    return 0;
}

void ccs_set_reset_sequence(const char *bytes, size_t length) {
    if (length >= sizeof(reset_sequence)) length = sizeof(reset_sequence) - 1;
    memcpy(reset_sequence, bytes, length);
    reset_length = length;
}

int ccs_capture_stderr(void) {
    if (stderr_saved >= 0) return 0;
    int capture = memfd_create("cachechat-stderr", MFD_CLOEXEC);
    if (capture < 0) return -1;
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved < 0) {
        close(capture);
        return -1;
    }
    fflush(stderr);
    if (dup2(capture, STDERR_FILENO) < 0) {
        close(capture);
        close(saved);
        return -1;
    }
    stderr_capture = capture;
    stderr_saved = saved;
    return 0;
}

void ccs_release_stderr(void) {
    int saved = stderr_saved, capture = stderr_capture;
    if (saved < 0) return;
    stderr_saved = -1;
    stderr_capture = -1;
    dup2(saved, STDERR_FILENO);
    close(saved);
    // Replay the tail of what was written while curses owned the screen.
    struct stat info;
    off_t start = 0;
    if (fstat(capture, &info) == 0 && info.st_size > stderr_replay_limit) start = info.st_size - stderr_replay_limit;
    if (lseek(capture, start, SEEK_SET) >= 0) {
        char buffer[4096];
        ssize_t n;
        while ((n = read(capture, buffer, sizeof(buffer))) > 0) write_all(STDERR_FILENO, buffer, (size_t)n);
    }
    close(capture);
}

void ccs_emergency_restore(void) {
    int saved_errno = errno;
    if (tty_fd >= 0) {
        write_all(tty_fd, reset_sequence, reset_length);
        if (have_saved_termios) tcsetattr(tty_fd, TCSANOW, &saved_termios);
    }
    ccs_release_stderr();
    errno = saved_errno;
}

static void notify(int signal_number) {
    int saved_errno = errno;
    if (pipe_write >= 0) {
        unsigned char byte = (unsigned char)signal_number;
        ssize_t ignored = write(pipe_write, &byte, 1);  // full pipe: a wake-up is already queued
        (void)ignored;
    }
    errno = saved_errno;
}

static void on_resize(int signal_number) { notify(signal_number); }

static void die_by(int signal_number) {
    struct sigaction fallback;
    memset(&fallback, 0, sizeof(fallback));
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, NULL);
    raise(signal_number);
}

void ccs_die_by_signal(int signal_number) { die_by(signal_number); }

static void on_termination(int signal_number) {
    if (graceful && pending_termination == 0) {
        pending_termination = signal_number;
        notify(signal_number);
        return;
    }
    ccs_emergency_restore();
    die_by(signal_number);
}

static void on_crash(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    ccs_emergency_restore();
    // Quit means now: no backtracer (which, on a terminal, may wait for a key and keep
    // the program running on the normal screen), the default action at once.
    if (signal_number == SIGQUIT) {
        die_by(signal_number);
        return;
    }
    // Hand over to whatever was installed before us (Swift's backtracer, or the default).
    struct sigaction previous = previous_actions[signal_number];
    if (previous.sa_handler == SIG_IGN) previous.sa_handler = SIG_DFL;
    sigaction(signal_number, &previous, NULL);
    // A fault raised by the kernel repeats when the handler returns (the faulting
    // instruction runs again); anything sent (kill, abort) must be raised again.
    int synchronous = info != NULL && info->si_code > 0
        && (signal_number == SIGSEGV || signal_number == SIGBUS || signal_number == SIGILL || signal_number == SIGFPE);
    if (!synchronous) raise(signal_number);
}

static int install(int signal_number, void (*handler)(int), void (*action)(int, siginfo_t *, void *)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (action != NULL) {
        sa.sa_sigaction = action;
        sa.sa_flags |= SA_SIGINFO;
    } else {
        sa.sa_handler = handler;
    }
    return sigaction(signal_number, &sa, &previous_actions[signal_number]);
}

int ccs_install_signal_handlers(int graceful_termination) {
    if (handlers_installed) return pipe_read;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    pipe_read = fds[0];
    pipe_write = fds[1];
    graceful = graceful_termination;
    pending_termination = 0;
    install(SIGWINCH, on_resize, NULL);
    for (size_t i = 0; i < COUNT(termination_signals); i++) install(termination_signals[i], on_termination, NULL);
    for (size_t i = 0; i < COUNT(crash_signals); i++) install(crash_signals[i], NULL, on_crash);
    handlers_installed = 1;
    return pipe_read;
}

void ccs_uninstall_signal_handlers(void) {
    if (!handlers_installed) return;
    sigaction(SIGWINCH, &previous_actions[SIGWINCH], NULL);
    for (size_t i = 0; i < COUNT(termination_signals); i++)
        sigaction(termination_signals[i], &previous_actions[termination_signals[i]], NULL);
    for (size_t i = 0; i < COUNT(crash_signals); i++)
        sigaction(crash_signals[i], &previous_actions[crash_signals[i]], NULL);
    handlers_installed = 0;
    close(pipe_write);
    close(pipe_read);
    pipe_write = -1;
    pipe_read = -1;
}

int cc_malloc_trim(void) { return malloc_trim(0); }

uintptr_t cc_vdso_address(void) { return (uintptr_t)getauxval(AT_SYSINFO_EHDR); }

typedef struct {
    cc_loaded_segment *segments;
    size_t capacity;
    size_t count;
} cc_segment_list;

static int cc_add_segments(struct dl_phdr_info *info, size_t size, void *context) {
    (void)size;
    cc_segment_list *list = context;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        if (list->count < list->capacity) {
            const ElfW(Phdr) *header = &info->dlpi_phdr[index];
            list->segments[list->count] = (cc_loaded_segment){
                .address = (uintptr_t)(info->dlpi_addr + header->p_vaddr),
                .memorySize = (uintptr_t)header->p_memsz,
                .type = header->p_type,
                .flags = header->p_flags,
            };
        }
        list->count++;
    }
    return 0;
}

size_t cc_loaded_segments(cc_loaded_segment *segments, size_t capacity) {
    cc_segment_list list = { segments, capacity, 0 };
    dl_iterate_phdr(cc_add_segments, &list);
    return list.count;
}
