#include "CCurlShim.h"
#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

// libcurl is opened with dlopen when the first transfer starts, not linked: its library
// and the thirty-odd it pulls in (TLS, Kerberos, LDAP, SSH, ...) cost about 8 ms of
// start-up and 7 MiB resident before the first frame, which needs none of them
// (docs/BENCHMARKS.md, "Start-up and memory"). Every call below goes through this table.
static CURLcode (*p_curl_global_init)(long);
static char * (*p_curl_version)(void);
static const char * (*p_curl_easy_strerror)(CURLcode);
static const char * (*p_curl_multi_strerror)(CURLMcode);
static CURL * (*p_curl_easy_init)(void);
static void (*p_curl_easy_cleanup)(CURL *);
static CURLcode (*p_curl_easy_setopt)(CURL *, CURLoption, ...);
static CURLcode (*p_curl_easy_getinfo)(CURL *, CURLINFO, ...);
static struct curl_slist * (*p_curl_slist_append)(struct curl_slist *, const char *);
static void (*p_curl_slist_free_all)(struct curl_slist *);
static CURLM * (*p_curl_multi_init)(void);
static CURLMcode (*p_curl_multi_cleanup)(CURLM *);
static CURLMcode (*p_curl_multi_add_handle)(CURLM *, CURL *);
static CURLMcode (*p_curl_multi_remove_handle)(CURLM *, CURL *);
static CURLMcode (*p_curl_multi_perform)(CURLM *, int *);
static CURLMcode (*p_curl_multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
static CURLMcode (*p_curl_multi_wakeup)(CURLM *);
static CURLMsg * (*p_curl_multi_info_read)(CURLM *, int *);

static int cc_fail(char *error, size_t size, const char *what) {
    if (error && size) snprintf(error, size, "libcurl is missing %s", what);
    return -1;
}

// `initialize` 0 only opens the library and finds its functions (the preload thread);
// 1 also runs curl_global_init, on the thread of the first transfer: OpenSSL registers
// its own exit handler there, and it must not run while another thread is inside it.
static int cc_load_locked(char *error, size_t size, int initialize) {
    static int state = 0;  // 0 not tried, 2 opened, 1 initialised, -1 failed (the message is kept)
    static char failure[512];
    if (state == 1 || (state == 2 && !initialize)) return 0;
    if (state == -1) {
        if (error && size) snprintf(error, size, "%s", failure);
        return -1;
    }
    if (state == 2) goto initialise;
    // Lazy binding: of the ~10,700 relocations libcurl and its libraries carry, the
    // functions never called are never looked up (0.5-0.9 ms less CPU an `ask`). Missing
    // libraries and symbol versions still fail here, at dlopen.
    void *handle = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
    if (!handle) handle = dlopen("libcurl.so", RTLD_LAZY | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "libcurl could not be loaded (%s): install libcurl4 (apt-get install libcurl4)",
                 why ? why : "not found");
        state = -1;
        if (error && size) snprintf(error, size, "%s", failure);
        return -1;
    }
    if (!(p_curl_global_init = (CURLcode (*)(long))dlsym(handle, "curl_global_init"))) return cc_fail(error, size, "curl_global_init");
    if (!(p_curl_version = (char *(*)(void))dlsym(handle, "curl_version"))) return cc_fail(error, size, "curl_version");
    if (!(p_curl_easy_strerror = (const char *(*)(CURLcode))dlsym(handle, "curl_easy_strerror"))) return cc_fail(error, size, "curl_easy_strerror");
    if (!(p_curl_multi_strerror = (const char *(*)(CURLMcode))dlsym(handle, "curl_multi_strerror"))) return cc_fail(error, size, "curl_multi_strerror");
    if (!(p_curl_easy_init = (CURL *(*)(void))dlsym(handle, "curl_easy_init"))) return cc_fail(error, size, "curl_easy_init");
    if (!(p_curl_easy_cleanup = (void (*)(CURL *))dlsym(handle, "curl_easy_cleanup"))) return cc_fail(error, size, "curl_easy_cleanup");
    if (!(p_curl_easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))dlsym(handle, "curl_easy_setopt"))) return cc_fail(error, size, "curl_easy_setopt");
    if (!(p_curl_easy_getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))dlsym(handle, "curl_easy_getinfo"))) return cc_fail(error, size, "curl_easy_getinfo");
    if (!(p_curl_slist_append = (struct curl_slist *(*)(struct curl_slist *, const char *))dlsym(handle, "curl_slist_append"))) return cc_fail(error, size, "curl_slist_append");
    if (!(p_curl_slist_free_all = (void (*)(struct curl_slist *))dlsym(handle, "curl_slist_free_all"))) return cc_fail(error, size, "curl_slist_free_all");
    if (!(p_curl_multi_init = (CURLM *(*)(void))dlsym(handle, "curl_multi_init"))) return cc_fail(error, size, "curl_multi_init");
    if (!(p_curl_multi_cleanup = (CURLMcode (*)(CURLM *))dlsym(handle, "curl_multi_cleanup"))) return cc_fail(error, size, "curl_multi_cleanup");
    if (!(p_curl_multi_add_handle = (CURLMcode (*)(CURLM *, CURL *))dlsym(handle, "curl_multi_add_handle"))) return cc_fail(error, size, "curl_multi_add_handle");
    if (!(p_curl_multi_remove_handle = (CURLMcode (*)(CURLM *, CURL *))dlsym(handle, "curl_multi_remove_handle"))) return cc_fail(error, size, "curl_multi_remove_handle");
    if (!(p_curl_multi_perform = (CURLMcode (*)(CURLM *, int *))dlsym(handle, "curl_multi_perform"))) return cc_fail(error, size, "curl_multi_perform");
    if (!(p_curl_multi_poll = (CURLMcode (*)(CURLM *, struct curl_waitfd *, unsigned int, int, int *))dlsym(handle, "curl_multi_poll"))) return cc_fail(error, size, "curl_multi_poll");
    if (!(p_curl_multi_wakeup = (CURLMcode (*)(CURLM *))dlsym(handle, "curl_multi_wakeup"))) return cc_fail(error, size, "curl_multi_wakeup");
    if (!(p_curl_multi_info_read = (CURLMsg *(*)(CURLM *, int *))dlsym(handle, "curl_multi_info_read"))) return cc_fail(error, size, "curl_multi_info_read");
    state = 2;
    if (!initialize) return 0;
initialise:
    if (p_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(failure, sizeof failure, "curl_global_init failed");
        state = -1;
        if (error && size) snprintf(error, size, "%s", failure);
        return -1;
    }
    state = 1;
    return 0;
}

const char *cc_version(void) { return p_curl_version(); }
const char *cc_easy_strerror(int code) { return p_curl_easy_strerror((CURLcode)code); }
const char *cc_multi_strerror(int code) { return p_curl_multi_strerror((CURLMcode)code); }

CURL *cc_easy_init(void) { return p_curl_easy_init(); }
void cc_easy_cleanup(CURL *easy) { p_curl_easy_cleanup(easy); }

int cc_set_url(CURL *easy, const char *url) { return p_curl_easy_setopt(easy, CURLOPT_URL, url); }

int cc_set_post_body(CURL *easy, const char *body, long length) {
    CURLcode rc = p_curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, length);
    if (rc != CURLE_OK) return rc;
    return p_curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body);
}

int cc_set_method(CURL *easy, const char *method) {
    return p_curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
}
int cc_set_headers(CURL *easy, struct curl_slist *headers) {
    return p_curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
}
int cc_set_write_callback(CURL *easy, cc_data_callback callback, void *userdata) {
    CURLcode rc = p_curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    return p_curl_easy_setopt(easy, CURLOPT_WRITEDATA, userdata);
}
int cc_set_header_callback(CURL *easy, cc_data_callback callback, void *userdata) {
    CURLcode rc = p_curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    return p_curl_easy_setopt(easy, CURLOPT_HEADERDATA, userdata);
}
int cc_set_private(CURL *easy, void *pointer) { return p_curl_easy_setopt(easy, CURLOPT_PRIVATE, pointer); }
int cc_set_connect_timeout_ms(CURL *easy, long ms) { return p_curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, ms); }
int cc_set_verify_tls(CURL *easy, int verify) {
    CURLcode rc = p_curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    if (rc != CURLE_OK) return rc;
    return p_curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
}
int cc_set_ca_info(CURL *easy, const char *path) { return p_curl_easy_setopt(easy, CURLOPT_CAINFO, path); }
int cc_set_nosignal(CURL *easy, int on) { return p_curl_easy_setopt(easy, CURLOPT_NOSIGNAL, on ? 1L : 0L); }
int cc_set_tcp_keepalive(CURL *easy, int on) { return p_curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, on ? 1L : 0L); }
int cc_set_user_agent(CURL *easy, const char *agent) { return p_curl_easy_setopt(easy, CURLOPT_USERAGENT, agent); }
int cc_set_accept_encoding(CURL *easy, const char *encodings) {
    return p_curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, encodings);
}
int cc_set_error_buffer(CURL *easy, char *buffer) { return p_curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, buffer); }

long cc_get_response_code(CURL *easy) {
    long code = 0;
    p_curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
void *cc_get_private(CURL *easy) {
    char *pointer = NULL;
    p_curl_easy_getinfo(easy, CURLINFO_PRIVATE, &pointer);
    return pointer;
}
double cc_get_total_time(CURL *easy) {
    double seconds = 0;
    p_curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &seconds);
    return seconds;
}

double cc_get_connect_time(CURL *easy) {
    double seconds = 0;
    p_curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME, &seconds);
    return seconds;
}

struct curl_slist *cc_slist_append(struct curl_slist *list, const char *value) { return p_curl_slist_append(list, value); }
void cc_slist_free_all(struct curl_slist *list) { p_curl_slist_free_all(list); }

CURLM *cc_multi_init(void) { return p_curl_multi_init(); }
void cc_multi_cleanup(CURLM *multi) { p_curl_multi_cleanup(multi); }
int cc_multi_add(CURLM *multi, CURL *easy) { return p_curl_multi_add_handle(multi, easy); }
int cc_multi_remove(CURLM *multi, CURL *easy) { return p_curl_multi_remove_handle(multi, easy); }
int cc_multi_perform(CURLM *multi, int *running) { return p_curl_multi_perform(multi, running); }

// curl_multi_poll with the caller's descriptors, each with its own events (POLLIN, POLLOUT),
// and what poll reported for each: the sockets of requests sent without libcurl wait beside libcurl's.
int cc_multi_poll_events(CURLM *multi, const int *fds, const short *events, int count, int timeout_ms, short *revents) {
    struct curl_waitfd small[16];
    struct curl_waitfd *extra = count > 16 ? calloc((size_t)count, sizeof *extra) : small;
    if (!extra) return CURLM_OUT_OF_MEMORY;
    for (int i = 0; i < count; i++) {
        extra[i].fd = fds[i];
        extra[i].events = (short)(((events[i] & POLLIN) ? CURL_WAIT_POLLIN : 0) | ((events[i] & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
        extra[i].revents = 0;
    }
    int numfds = 0;
    CURLMcode rc = p_curl_multi_poll(multi, count > 0 ? extra : NULL, (unsigned int)count, timeout_ms, &numfds);
    for (int i = 0; i < count; i++) {
        short got = extra[i].revents;
        // curl reports readable and writable only (a socket's hang-up or error shows as one of them).
        revents[i] = (short)(((got & CURL_WAIT_POLLIN) ? POLLIN : 0) | ((got & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
    }
    if (extra != small) free(extra);
    return rc;
}

int cc_multi_wakeup(CURLM *multi) { return p_curl_multi_wakeup(multi); }

int cc_multi_next_done(CURLM *multi, CURL **easy, int *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = p_curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = (int)message->data.result;
            return 1;
        }
    }
    return 0;
}

// cc_load may run on two threads at once (cc_preload's and the first transfer's): one
// loads, the other waits for it.
static pthread_mutex_t cc_load_lock = PTHREAD_MUTEX_INITIALIZER;

int cc_load(char *error, size_t size) {
    pthread_mutex_lock(&cc_load_lock);
    int result = cc_load_locked(error, size, 1);
    pthread_mutex_unlock(&cc_load_lock);
    return result;
}

static int cc_open(void) {
    pthread_mutex_lock(&cc_load_lock);
    int result = cc_load_locked(NULL, 0, 0);
    pthread_mutex_unlock(&cc_load_lock);
    return result;
}

// The preload only opens the library (dlopen and dlsym); curl_global_init runs at the first
// transfer. It must not be inside dlopen when the process exits (the libraries'
// constructors and exit's destructors would run at once): it is marked running before its
// thread starts, `cc_wait_for_preload` waits for it, and so does an exit handler. The first
// version also ran curl_global_init on the preload thread: OpenSSL's exit handler,
// registered during it, then ran first and freed locks the thread was using (a crash in
// a few of 100 quick exits under load).
static pthread_mutex_t cc_preload_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cc_preload_done = PTHREAD_COND_INITIALIZER;
static int cc_preload_running = 0;

static void cc_preload_finished(void) {
    pthread_mutex_lock(&cc_preload_lock);
    cc_preload_running = 0;
    pthread_cond_broadcast(&cc_preload_done);
    pthread_mutex_unlock(&cc_preload_lock);
}

void cc_wait_for_preload(void) {
    pthread_mutex_lock(&cc_preload_lock);
    while (cc_preload_running) pthread_cond_wait(&cc_preload_done, &cc_preload_lock);
    pthread_mutex_unlock(&cc_preload_lock);
}

static void *cc_preload_main(void *unused) {
    (void)unused;
    cc_open();
    cc_preload_finished();
    return NULL;
}

void cc_preload(void) {
    pthread_mutex_lock(&cc_preload_lock);
    static int registered = 0, requested = 0;
    int started = requested;
    requested = 1;
    if (!registered) registered = atexit(cc_wait_for_preload) == 0;
    if (!registered || started) {  // no way to wait at exit, or loading or loaded already: the first transfer loads
        pthread_mutex_unlock(&cc_preload_lock);
        return;
    }
    cc_preload_running = 1;
    pthread_mutex_unlock(&cc_preload_lock);
    pthread_attr_t attributes;
    pthread_t thread;
    int created = pthread_attr_init(&attributes) == 0;
    if (created) {
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        created = pthread_create(&thread, &attributes, cc_preload_main, NULL) == 0;
        pthread_attr_destroy(&attributes);
    }
    if (!created) cc_preload_finished();  // the first transfer loads it instead
}
