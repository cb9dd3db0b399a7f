#include "curl/lazy_curl.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <atomic>
#include <cstdarg>
#include <mutex>
#include <string>

namespace lazy_curl {

namespace {

// The real functions, resolved from the loaded library.
struct Api {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_share_init) share_init = nullptr;
  decltype(&::curl_share_setopt) share_setopt = nullptr;
  decltype(&::curl_share_cleanup) share_cleanup = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  std::string error;  // why loading failed; empty once loaded
};

std::atomic<bool> g_loaded{false};

template <typename Fn>
bool resolve(void* lib, const char* name, Fn* out, std::string* error) {
  void* sym = ::dlsym(lib, name);
  if (!sym) {
    *error = std::string(library_name()) + " has no " + name;
    return false;
  }
  *out = reinterpret_cast<Fn>(sym);
  return true;
}

Api load() {
  Api api;
  void* lib = ::dlopen(library_name(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = ::dlerror();
    api.error = why ? why : (std::string("cannot load ") + library_name());
    return api;
  }
  std::string& e = api.error;
  bool ok = resolve(lib, "curl_global_init", &api.global_init, &e) && resolve(lib, "curl_easy_init", &api.easy_init, &e) &&
            resolve(lib, "curl_easy_cleanup", &api.easy_cleanup, &e) &&
            resolve(lib, "curl_easy_perform", &api.easy_perform, &e) &&
            resolve(lib, "curl_easy_setopt", &api.easy_setopt, &e) &&
            resolve(lib, "curl_easy_getinfo", &api.easy_getinfo, &e) &&
            resolve(lib, "curl_easy_strerror", &api.easy_strerror, &e) &&
            resolve(lib, "curl_share_init", &api.share_init, &e) &&
            resolve(lib, "curl_share_setopt", &api.share_setopt, &e) &&
            resolve(lib, "curl_share_cleanup", &api.share_cleanup, &e) &&
            resolve(lib, "curl_slist_append", &api.slist_append, &e) &&
            resolve(lib, "curl_slist_free_all", &api.slist_free_all, &e);
  if (!ok) {
    ::dlclose(lib);
    api = Api{};
    api.error = e;
    return api;
  }
  // The library stays loaded for the life of the process (libcurl keeps global state).
  g_loaded.store(true, std::memory_order_release);
  return api;
}

const Api& api() {
  static const Api instance = load();  // thread-safe, once
  return instance;
}

}  // namespace

const char* library_name() { return MA_LIBCURL_SONAME; }

base::Status ensure_loaded() {
  const Api& a = api();
  if (!a.error.empty())
    return base::fail(base::ErrorCode::kUnsupported, "cannot load libcurl: " + a.error,
                      "install libcurl (Debian: apt-get install libcurl4)");
  return {};
}

bool is_loaded() { return g_loaded.load(std::memory_order_acquire); }

}  // namespace lazy_curl

using lazy_curl::api;

extern "C" {

CURLcode curl_global_init(long flags) {
  const auto& a = api();
  return a.global_init ? a.global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init(void) {
  const auto& a = api();
  return a.easy_init ? a.easy_init() : nullptr;
}

void curl_easy_cleanup(CURL* handle) {
  // A handle exists only if libcurl was loaded.
  if (handle) api().easy_cleanup(handle);
}

CURLcode curl_easy_perform(CURL* handle) {
  const auto& a = api();
  return a.easy_perform ? a.easy_perform(handle) : CURLE_FAILED_INIT;
}

CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  const auto& a = api();
  if (!a.easy_setopt) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  // libcurl reads the argument by the option's type range (CURLOPTTYPE_*).
  if (option < CURLOPTTYPE_OBJECTPOINT)
    rc = a.easy_setopt(handle, option, va_arg(ap, long));
  else if (option < CURLOPTTYPE_FUNCTIONPOINT)
    rc = a.easy_setopt(handle, option, va_arg(ap, void*));
  else if (option < CURLOPTTYPE_OFF_T)
    rc = a.easy_setopt(handle, option, va_arg(ap, void (*)(void)));
  else if (option < CURLOPTTYPE_BLOB)
    rc = a.easy_setopt(handle, option, va_arg(ap, curl_off_t));
  else
    rc = a.easy_setopt(handle, option, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  const auto& a = api();
  if (!a.easy_getinfo) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, info);
  CURLcode rc = a.easy_getinfo(handle, info, va_arg(ap, void*));  // always a pointer to the result
  va_end(ap);
  return rc;
}

const char* curl_easy_strerror(CURLcode code) {
  const auto& a = api();
  if (!a.easy_strerror) return a.error.c_str();
  return a.easy_strerror(code);
}

CURLSH* curl_share_init(void) {
  const auto& a = api();
  return a.share_init ? a.share_init() : nullptr;
}

CURLSHcode curl_share_setopt(CURLSH* share, CURLSHoption option, ...) {
  const auto& a = api();
  if (!a.share_setopt) return CURLSHE_NOT_BUILT_IN;
  va_list ap;
  va_start(ap, option);
  CURLSHcode rc;
  switch (option) {
    case CURLSHOPT_SHARE:
    case CURLSHOPT_UNSHARE:
      rc = a.share_setopt(share, option, va_arg(ap, int));
      break;
    case CURLSHOPT_LOCKFUNC:
    case CURLSHOPT_UNLOCKFUNC:
      rc = a.share_setopt(share, option, va_arg(ap, void (*)(void)));
      break;
    default:
      rc = a.share_setopt(share, option, va_arg(ap, void*));
      break;
  }
  va_end(ap);
  return rc;
}

CURLSHcode curl_share_cleanup(CURLSH* share) {
  if (!share) return CURLSHE_INVALID;
  return api().share_cleanup(share);
}

struct curl_slist* curl_slist_append(struct curl_slist* list, const char* text) {
  const auto& a = api();
  return a.slist_append ? a.slist_append(list, text) : nullptr;
}

void curl_slist_free_all(struct curl_slist* list) {
  if (list) api().slist_free_all(list);
}

}  // extern "C"
