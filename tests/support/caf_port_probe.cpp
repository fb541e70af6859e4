#include "support/caf_port_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace doorbuster::testing {

bool send_basp_header_bomb(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  // operation 1 (server handshake), three flag bytes, payload length
  // 0xFFFFFFFF, operation data 3, source and destination actor 0; all
  // big-endian, as the reproduction packs them ('>BBBBIQQQ').
  unsigned char header[32] = {1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF};
  header[8 + 7] = 3;
  (void)::send(fd, header, sizeof(header), MSG_NOSIGNAL);
  timeval wait{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
  char buf[256];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) {
  }
  bool closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  ::close(fd);
  return closed;
}

size_t resident_bytes(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoul(line.substr(6)) * 1024;
  return 0;
}

} // namespace doorbuster::testing
