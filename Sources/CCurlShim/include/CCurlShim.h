#ifndef CCURLSHIM_H
#define CCURLSHIM_H

// Typed wrappers for libcurl's variadic calls. No logic lives here: every
// function forwards one option to curl so that Swift never sees `...`. libcurl itself is
// opened at the first transfer (cc_load), not linked.

#include <curl/curl.h>
#include <stddef.h>

typedef size_t (*cc_data_callback)(char *data, size_t size, size_t count, void *userdata);

/// Opens libcurl (dlopen) and initialises it, once; 0 on success, else -1 with the reason
/// in `error`. Every other function needs it to have succeeded.
int cc_load(char *error, size_t size);
/// Opens libcurl (dlopen and dlsym, not curl_global_init) on a detached thread and returns
/// at once: a command that will make a request calls it early, so the ~5 ms of loading
/// libcurl and its libraries overlap the history's open instead of following it. Failures
/// are reported by the next cc_load. Exit waits for it (cc_wait_for_preload, atexit).
void cc_preload(void);
/// Returns once a preload started by cc_preload has finished (at once if none runs).
void cc_wait_for_preload(void);
const char *cc_version(void);
const char *cc_easy_strerror(int code);
const char *cc_multi_strerror(int code);

CURL *cc_easy_init(void);
void cc_easy_cleanup(CURL *easy);

int cc_set_url(CURL *easy, const char *url);
int cc_set_post_body(CURL *easy, const char *body, long length);
int cc_set_method(CURL *easy, const char *method);
int cc_set_headers(CURL *easy, struct curl_slist *headers);
int cc_set_write_callback(CURL *easy, cc_data_callback callback, void *userdata);
int cc_set_header_callback(CURL *easy, cc_data_callback callback, void *userdata);
int cc_set_private(CURL *easy, void *pointer);
int cc_set_connect_timeout_ms(CURL *easy, long milliseconds);
int cc_set_verify_tls(CURL *easy, int verify);
int cc_set_ca_info(CURL *easy, const char *path);
int cc_set_nosignal(CURL *easy, int on);
int cc_set_tcp_keepalive(CURL *easy, int on);
int cc_set_user_agent(CURL *easy, const char *agent);
int cc_set_accept_encoding(CURL *easy, const char *encodings);
int cc_set_error_buffer(CURL *easy, char *buffer);

long cc_get_response_code(CURL *easy);
void *cc_get_private(CURL *easy);
double cc_get_total_time(CURL *easy);
/// Seconds until the connection was made; 0 when it never was.
double cc_get_connect_time(CURL *easy);

struct curl_slist *cc_slist_append(struct curl_slist *list, const char *value);
void cc_slist_free_all(struct curl_slist *list);

CURLM *cc_multi_init(void);
void cc_multi_cleanup(CURLM *multi);
int cc_multi_add(CURLM *multi, CURL *easy);
int cc_multi_remove(CURLM *multi, CURL *easy);
int cc_multi_perform(CURLM *multi, int *running);
/// curl_multi_poll with extra descriptors, each waiting for its own `events` (POLLIN, POLLOUT); `revents[i]` says what came.
int cc_multi_poll_events(CURLM *multi, const int *fds, const short *events, int count, int timeout_ms, short *revents);
int cc_multi_wakeup(CURLM *multi);

/// Reads one finished transfer; returns 0 when there is none left.
int cc_multi_next_done(CURLM *multi, CURL **easy, int *result);

// Easy result codes Swift needs to classify failures.
enum {
    CC_OK = CURLE_OK,
    CC_COULDNT_RESOLVE_PROXY = CURLE_COULDNT_RESOLVE_PROXY,
    CC_COULDNT_RESOLVE_HOST = CURLE_COULDNT_RESOLVE_HOST,
    CC_COULDNT_CONNECT = CURLE_COULDNT_CONNECT,
    CC_OPERATION_TIMEDOUT = CURLE_OPERATION_TIMEDOUT,
    CC_SSL_CONNECT_ERROR = CURLE_SSL_CONNECT_ERROR,
    CC_PEER_FAILED_VERIFICATION = CURLE_PEER_FAILED_VERIFICATION,
    CC_GOT_NOTHING = CURLE_GOT_NOTHING,
    CC_SEND_ERROR = CURLE_SEND_ERROR,
    CC_RECV_ERROR = CURLE_RECV_ERROR,
    CC_PARTIAL_FILE = CURLE_PARTIAL_FILE,
    CC_WRITE_ERROR = CURLE_WRITE_ERROR,
    CC_ABORTED_BY_CALLBACK = CURLE_ABORTED_BY_CALLBACK,
};

#endif
