// ma-guest-init: network interfaces (see network.hpp).
#include "network.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace guest {
namespace {

sockaddr_in inet(const std::string& dotted) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, dotted.c_str(), &a.sin_addr);
  return a;
}

bool set_addr(int s, const char* ifname, unsigned long req, const std::string& dotted) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
  sockaddr_in a = inet(dotted);
  std::memcpy(&ifr.ifr_addr, &a, sizeof a);
  return ::ioctl(s, req, &ifr) == 0;
}

bool bring_up(int s, const char* ifname) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) return false;
  ifr.ifr_flags = short(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  return ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
}

// The first interface other than lo, waiting up to 5 s for its driver.
std::string find_interface() {
  for (int i = 0; i < 500; ++i) {
    if (DIR* d = ::opendir("/sys/class/net")) {
      std::string found;
      while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != ".." && n != "lo" && (found.empty() || n < found)) found = n;
      }
      ::closedir(d);
      if (!found.empty()) return found;
    }
    ::usleep(10000);
  }
  return {};
}

void complain(const char* what, const std::string& arg) {
  std::fprintf(stderr, "ma-guest-init: network: %s %s: %s\n", what, arg.c_str(), std::strerror(errno));
}

}  // namespace

bool parse_cidr(const std::string& cidr, std::string* address, std::string* netmask) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return false;
  *address = cidr.substr(0, slash);
  in_addr probe{};
  if (::inet_pton(AF_INET, address->c_str(), &probe) != 1) return false;
  char* end = nullptr;
  long prefix = std::strtol(cidr.c_str() + slash + 1, &end, 10);
  if (*end != '\0' || prefix < 0 || prefix > 32 || slash + 1 == cidr.size()) return false;
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix);
  in_addr m{htonl(mask)};
  char buf[INET_ADDRSTRLEN];
  *netmask = ::inet_ntop(AF_INET, &m, buf, sizeof buf);
  return true;
}

void setup_network() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return complain("socket", "");
  if (!bring_up(s, "lo")) complain("cannot bring up", "lo");
  std::ifstream in("/.ma/network");
  std::string cidr, gateway, dns, address, netmask;
  if (!(in >> cidr >> gateway >> dns)) {
    ::close(s);
    return;  // no network asked for
  }
  std::string ifname = find_interface();
  if (!parse_cidr(cidr, &address, &netmask)) {
    errno = EINVAL;
    complain("bad address", cidr);
  } else if (ifname.empty()) {
    errno = ENODEV;
    complain("no network interface", "");
  } else if (!set_addr(s, ifname.c_str(), SIOCSIFADDR, address) ||
             !set_addr(s, ifname.c_str(), SIOCSIFNETMASK, netmask) || !bring_up(s, ifname.c_str())) {
    complain("cannot configure", ifname);
  } else {
    rtentry rt{};
    sockaddr_in any = inet("0.0.0.0"), gw = inet(gateway);
    std::memcpy(&rt.rt_dst, &any, sizeof any);
    std::memcpy(&rt.rt_genmask, &any, sizeof any);
    std::memcpy(&rt.rt_gateway, &gw, sizeof gw);
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    if (::ioctl(s, SIOCADDRT, &rt) != 0) complain("cannot add a default route via", gateway);
    std::ofstream("/etc/resolv.conf", std::ios::trunc) << "nameserver " << dns << "\n";
  }
  ::close(s);
}

}  // namespace guest
