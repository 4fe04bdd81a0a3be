#ifndef CCURSESSHIM_H
#define CCURSESSHIM_H

// Wrappers for ncursesw: macros, globals and wide-character calls made into plain
// functions Swift can call (Swift cannot see macros, and curses globals are not
// concurrency-safe). The only logic here is the crash/signal restoration at the end,
// which must be async-signal-safe and so belongs in C.
//
// <curses.h> is deliberately not included: its macros (erase, clear, refresh, ...) would
// leak into Swift. Attributes travel as `unsigned int` (ncurses' attr_t).

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

// MARK: screen lifetime

/// newterm(NULL, stdout, stdin) + set_term, out of ncurses' initial state (one write a frame).
/// 0 on success, -1 when the terminal type is
/// unknown or unusable (curses does not exit the process, unlike initscr).
int ccs_newterm(void);
void ccs_endwin(void);
/// 1 when the terminal (after ccs_newterm) can move the cursor: its terminfo has `cup`.
int ccs_can_address_cursor(void);
/// Frees the screen created by ccs_newterm (after ccs_endwin).
void ccs_delscreen(void);

// MARK: modes

int ccs_raw(void);
int ccs_noecho(void);
int ccs_nonl(void);
int ccs_keypad(int on);
int ccs_intrflush(int on);
/// typeahead(fd); -1 stops doupdate from peeking at stdin (we read stdin ourselves).
int ccs_typeahead(int fd);
int ccs_leaveok(int on);
/// 0 invisible, 1 normal; returns the previous visibility or -1.
int ccs_curs_set(int visibility);

// MARK: colour

int ccs_has_colors(void);
int ccs_start_color(void);
int ccs_use_default_colors(void);
/// The COLORS and COLOR_PAIRS globals (valid after start_color).
int ccs_colors(void);
int ccs_color_pairs(void);
/// init_extended_pair: colour numbers may be -1 (terminal default) and pairs above 32767.
int ccs_init_pair(int pair, int foreground, int background);

unsigned int ccs_attr_normal(void);
unsigned int ccs_attr_bold(void);
unsigned int ccs_attr_dim(void);
unsigned int ccs_attr_italic(void);
unsigned int ccs_attr_underline(void);
unsigned int ccs_attr_reverse(void);

// MARK: size

/// getmaxyx(stdscr).
int ccs_lines(void);
int ccs_cols(void);
int ccs_resizeterm(int lines, int columns);
/// ioctl(TIOCGWINSZ) on fd: 0 on success.
int ccs_window_size(int fd, int *lines, int *columns);

// MARK: drawing

/// setcchar + mvadd_wch: one cell holding a spacing character followed by up to
/// CCHARW_MAX-1 non-spacing ones. `count` is the number of wchar_t in `text`.
int ccs_put_cell(int y, int x, const wchar_t *text, int count, unsigned int attributes, int pair);
int ccs_move(int y, int x);
int ccs_erase(void);
/// clearok(curscr, on): the next doupdate repaints the whole screen.
int ccs_clearok(int on);
int ccs_wnoutrefresh(void);
int ccs_doupdate(void);
/// libc wcwidth in the current locale, which is what curses uses to place a cell.
int ccs_wcwidth(wchar_t c);
int ccs_ccharw_max(void);

// MARK: restoration (async-signal-safe parts)

/// Saves the termios of `tty_fd` (call before newterm) and remembers the fd that the
/// reset string and restored termios go to.
int ccs_save_terminal(int tty_fd);

/// Sets the bytes written to the tty when restoring from a signal (mode resets, cursor
/// visible, leave the alternate screen). Copied; at most 255 bytes.
void ccs_set_reset_sequence(const char *bytes, size_t length);

/// Creates the self-pipe and installs handlers: SIGWINCH writes a byte to the pipe;
/// SIGTERM/SIGINT/SIGHUP write their number to the pipe when `graceful_termination` is
/// set (the event loop shuts down cleanly), and restore + re-raise at once otherwise or
/// when one is already pending; SIGSEGV/SIGBUS/SIGILL/SIGTRAP/SIGABRT/SIGFPE/SIGQUIT/SIGSYS
/// restore the terminal and re-raise with the handler that was installed before ours.
/// Returns the pipe's read end, or -1.
int ccs_install_signal_handlers(int graceful_termination);

/// Puts back the handlers that were there before and closes the pipe.
void ccs_uninstall_signal_handlers(void);

/// Sends stderr to an unlinked temporary file while curses owns the screen, so stray
/// messages (Swift's "Fatal error: ...") do not corrupt it; they are replayed to the real
/// stderr on restoration, also from the crash handlers. 0 on success.
int ccs_capture_stderr(void);
/// Points stderr back at the terminal and replays what was captured. Async-signal-safe.
void ccs_release_stderr(void);

/// What the crash handlers do: write the reset sequence, restore termios, release stderr.
/// Async-signal-safe; safe to call more than once.
void ccs_emergency_restore(void);

/// Restores the default action for `signal_number` and raises it: how a program that
/// shut down cleanly after SIGTERM/SIGINT/SIGHUP still dies "by the signal".
void ccs_die_by_signal(int signal_number);

// Process memory, for IdleMemory (glibc's malloc.h and link.h are not in the Glibc module).

/// malloc_trim(0): gives the heap's free pages back to the system.
int cc_malloc_trim(void);

/// One program header of a loaded object, at its loaded address.
typedef struct {
    uintptr_t address;
    uintptr_t memorySize;
    uint32_t type;
    uint32_t flags;
} cc_loaded_segment;

/// Where the kernel's vDSO is mapped (getauxval(AT_SYSINFO_EHDR)); 0 when there is none.
uintptr_t cc_vdso_address(void);

/// Every loaded object's program headers (dl_iterate_phdr), up to `capacity` of them into
/// `segments`; returns how many there are, which may be more than `capacity`.
size_t cc_loaded_segments(cc_loaded_segment *segments, size_t capacity);

#endif
