// libcurl, loaded when the first request is made rather than when the program starts.
//
// Why: libcurl's Debian build depends on ~28 further shared libraries (gnutls through
// librtmp, krb5, ldap, sasl, ssh2, nghttp2, ...). Mapping and relocating them cost ~6 ms of
// every melange and apko process, also for the many commands that never touch the network
// (`melange index` of an unchanged repository is ~30 ms in all; a graph build starts one
// process per recipe). So no target links libcurl: this library defines the handful of
// libcurl functions the project calls (curl_easy_*, curl_share_*, curl_slist_*,
// curl_global_init), each forwarding to the real one, which is looked up with dlopen/dlsym
// on first use. Callers include <curl/curl.h> and use libcurl as usual; nothing else changes.
//
// The variadic setters forward their one argument with the type libcurl itself reads for
// the option (long, object pointer, function pointer, curl_off_t or blob pointer), exactly
// as libcurl's own implementation decodes it.
//
// When libcurl cannot be loaded, the forwarded functions fail the way libcurl reports
// failure (curl_easy_init and curl_share_init return null, the others CURLE_FAILED_INIT or
// an error code), and ensure_loaded() gives the one-line reason for the caller's message.
#pragma once

#include "base/error.hpp"

namespace lazy_curl {

// The shared object that is loaded: libcurl's soname on this platform.
const char* library_name();

// Loads libcurl if it is not loaded yet (thread-safe, once). Fails with the loader's reason
// and a hint naming the package to install.
base::Status ensure_loaded();

// True once libcurl has been loaded by this process (for tests: nothing loads it early).
bool is_loaded();

}  // namespace lazy_curl
