// ma-guest-init: the VM's network interfaces, set up with ioctls (the build root may have no
// `ip` tool). Loopback always comes up; with a /.ma/network line "ADDRESS/PREFIX GATEWAY DNS"
// (the qemu runner's --network) the first other interface (virtio-net's eth0) gets the address,
// a default route through the gateway, and /etc/resolv.conf names the DNS server.
#pragma once

#include <string>

namespace guest {

// Problems are reported on stderr (the console log); the build then runs without a network.
void setup_network();

// "10.0.2.15/24" -> the address and the netmask in dotted form; false when malformed.
bool parse_cidr(const std::string& cidr, std::string* address, std::string* netmask);

}  // namespace guest
