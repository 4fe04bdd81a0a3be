#include "CCurlShim.h"

int cc_global_init(void) { return (int)curl_global_init(CURL_GLOBAL_DEFAULT); }
const char *cc_version(void) { return curl_version(); }
const char *cc_easy_strerror(int code) { return curl_easy_strerror((CURLcode)code); }
const char *cc_multi_strerror(int code) { return curl_multi_strerror((CURLMcode)code); }

CURL *cc_easy_init(void) { return curl_easy_init(); }
void cc_easy_cleanup(CURL *easy) { curl_easy_cleanup(easy); }

int cc_set_url(CURL *easy, const char *url) { return curl_easy_setopt(easy, CURLOPT_URL, url); }

int cc_set_post_body(CURL *easy, const char *body, long length) {
    CURLcode rc = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, length);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body);
}

int cc_set_method(CURL *easy, const char *method) {
    return curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
}
int cc_set_headers(CURL *easy, struct curl_slist *headers) {
    return curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
}
int cc_set_write_callback(CURL *easy, cc_data_callback callback, void *userdata) {
    CURLcode rc = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(easy, CURLOPT_WRITEDATA, userdata);
}
int cc_set_header_callback(CURL *easy, cc_data_callback callback, void *userdata) {
    CURLcode rc = curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(easy, CURLOPT_HEADERDATA, userdata);
}
int cc_set_private(CURL *easy, void *pointer) { return curl_easy_setopt(easy, CURLOPT_PRIVATE, pointer); }
int cc_set_connect_timeout_ms(CURL *easy, long ms) { return curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, ms); }
int cc_set_verify_tls(CURL *easy, int verify) {
    CURLcode rc = curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
}
int cc_set_ca_info(CURL *easy, const char *path) { return curl_easy_setopt(easy, CURLOPT_CAINFO, path); }
int cc_set_nosignal(CURL *easy, int on) { return curl_easy_setopt(easy, CURLOPT_NOSIGNAL, on ? 1L : 0L); }
int cc_set_tcp_keepalive(CURL *easy, int on) { return curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, on ? 1L : 0L); }
int cc_set_user_agent(CURL *easy, const char *agent) { return curl_easy_setopt(easy, CURLOPT_USERAGENT, agent); }
int cc_set_accept_encoding(CURL *easy, const char *encodings) {
    return curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, encodings);
}
int cc_set_error_buffer(CURL *easy, char *buffer) { return curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, buffer); }

long cc_get_response_code(CURL *easy) {
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
void *cc_get_private(CURL *easy) {
    char *pointer = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &pointer);
    return pointer;
}
double cc_get_total_time(CURL *easy) {
    double seconds = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &seconds);
    return seconds;
}

double cc_get_connect_time(CURL *easy) {
    double seconds = 0;
    curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME, &seconds);
    return seconds;
}

struct curl_slist *cc_slist_append(struct curl_slist *list, const char *value) { return curl_slist_append(list, value); }
void cc_slist_free_all(struct curl_slist *list) { curl_slist_free_all(list); }

CURLM *cc_multi_init(void) { return curl_multi_init(); }
void cc_multi_cleanup(CURLM *multi) { curl_multi_cleanup(multi); }
int cc_multi_add(CURLM *multi, CURL *easy) { return curl_multi_add_handle(multi, easy); }
int cc_multi_remove(CURLM *multi, CURL *easy) { return curl_multi_remove_handle(multi, easy); }
int cc_multi_perform(CURLM *multi, int *running) { return curl_multi_perform(multi, running); }

int cc_multi_poll_many(CURLM *multi, const int *fds, int count, int timeout_ms, int *ready) {
    struct curl_waitfd extra[8];
    int numfds = 0;
    if (count > 8) count = 8;
    for (int i = 0; i < count; i++) {
        extra[i].fd = fds[i];
        extra[i].events = CURL_WAIT_POLLIN;
        extra[i].revents = 0;
    }
    CURLMcode rc = curl_multi_poll(multi, count > 0 ? extra : NULL, (unsigned int)count, timeout_ms, &numfds);
    for (int i = 0; i < count; i++) ready[i] = extra[i].revents ? 1 : 0;
    return rc;
}

int cc_multi_wakeup(CURLM *multi) { return curl_multi_wakeup(multi); }

int cc_multi_next_done(CURLM *multi, CURL **easy, int *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = (int)message->data.result;
            return 1;
        }
    }
    return 0;
}
