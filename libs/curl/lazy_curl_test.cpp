#include "curl/lazy_curl.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "base/fs.hpp"

namespace {

// Independent of the loader's own bookkeeping: is the shared object mapped into this process?
bool libcurl_mapped() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream all;
  all << maps.rdbuf();
  return all.str().find(std::string("/") + lazy_curl::library_name()) != std::string::npos;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Runs first (tests in one file run in order): nothing loads libcurl before a curl call.
TEST(LazyCurl, NotLoadedUntilTheFirstCallThenLoadedOnce) {
  EXPECT_FALSE(lazy_curl::is_loaded());
  EXPECT_FALSE(libcurl_mapped()) << "the test executable must not link " << lazy_curl::library_name();
  CURL* h = curl_easy_init();
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(lazy_curl::is_loaded());
  EXPECT_TRUE(libcurl_mapped());
  EXPECT_TRUE(lazy_curl::ensure_loaded().has_value());
  curl_easy_cleanup(h);
  EXPECT_STREQ(curl_easy_strerror(CURLE_OK), "No error");
}

// Each setopt argument type reaches libcurl intact: a string (URL), function and data
// pointers, a long, and a curl_off_t (the resume offset decides what arrives); getinfo fills
// a long and a curl_off_t.
TEST(LazyCurl, EveryArgumentTypeReachesLibcurl) {
  auto dir = base::TempDir::create("lazy-curl");
  ASSERT_TRUE(dir.has_value());
  const std::string body(100, 'x');
  auto file = dir->path() / "f.txt";
  ASSERT_TRUE(base::write_file_atomic(file, body).has_value());
  const std::string url = "file://" + file.string();
  for (curl_off_t from : {curl_off_t(0), curl_off_t(30)}) {
    CURL* h = curl_easy_init();
    ASSERT_NE(h, nullptr);
    std::string got;
    EXPECT_EQ(curl_easy_setopt(h, CURLOPT_URL, url.c_str()), CURLE_OK);
    EXPECT_EQ(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L), CURLE_OK);
    EXPECT_EQ(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect), CURLE_OK);
    EXPECT_EQ(curl_easy_setopt(h, CURLOPT_WRITEDATA, &got), CURLE_OK);
    EXPECT_EQ(curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, from), CURLE_OK);
    CURLcode rc = curl_easy_perform(h);
    EXPECT_EQ(rc, CURLE_OK) << curl_easy_strerror(rc);
    EXPECT_EQ(got, body.substr(size_t(from)));
    curl_off_t size = -1;
    EXPECT_EQ(curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &size), CURLE_OK);
    EXPECT_EQ(size, curl_off_t(body.size()) - from);
    long code = -1;
    EXPECT_EQ(curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
    EXPECT_EQ(code, 0);  // no response code for file://
    curl_easy_cleanup(h);
  }
  // An unknown option is refused by libcurl itself.
  CURL* h = curl_easy_init();
  EXPECT_EQ(curl_easy_setopt(h, static_cast<CURLoption>(CURLOPTTYPE_LONG + 9999), 1L), CURLE_UNKNOWN_OPTION);
  curl_easy_cleanup(h);
}

struct LockLog {
  int locks = 0;
  int unlocks = 0;
};

void on_lock(CURL*, curl_lock_data, curl_lock_access, void* user) { ++static_cast<LockLog*>(user)->locks; }
void on_unlock(CURL*, curl_lock_data, void* user) { ++static_cast<LockLog*>(user)->unlocks; }

// The share interface: an int (what to share), function pointers and user data all arrive,
// as the lock callbacks being called with our data show; a bad int is refused.
TEST(LazyCurl, ShareOptionsAndHeaderLists) {
  CURLSH* share = curl_share_init();
  ASSERT_NE(share, nullptr);
  LockLog log;
  EXPECT_EQ(curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &on_lock), CURLSHE_OK);
  EXPECT_EQ(curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &on_unlock), CURLSHE_OK);
  EXPECT_EQ(curl_share_setopt(share, CURLSHOPT_USERDATA, &log), CURLSHE_OK);
  EXPECT_EQ(curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS), CURLSHE_OK);
  EXPECT_EQ(curl_share_setopt(share, CURLSHOPT_SHARE, 99), CURLSHE_BAD_OPTION);
  CURL* h = curl_easy_init();
  EXPECT_EQ(curl_easy_setopt(h, CURLOPT_SHARE, share), CURLE_OK);
  curl_easy_cleanup(h);
  EXPECT_GT(log.locks, 0);
  EXPECT_EQ(log.locks, log.unlocks);
  EXPECT_EQ(curl_share_cleanup(share), CURLSHE_OK);

  curl_slist* list = curl_slist_append(nullptr, "A: 1");
  list = curl_slist_append(list, "B: 2");
  ASSERT_NE(list, nullptr);
  EXPECT_STREQ(list->data, "A: 1");
  ASSERT_NE(list->next, nullptr);
  EXPECT_STREQ(list->next->data, "B: 2");
  curl_slist_free_all(list);
}

}  // namespace
