#include "transport/interrupt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace drover {

Interrupt::Interrupt() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
    throw Error(std::string("cannot make the interrupt pipe: ") + std::strerror(errno));
  read_fd_ = p[0];
  write_fd_ = p[1];
}

Interrupt::~Interrupt() {
  ::close(read_fd_);
  ::close(write_fd_);
}

void Interrupt::fire() {
  if (fired_.exchange(true, std::memory_order_acq_rel)) return;
  char byte = 1;
  // One byte is never drained: the read end stays readable for every poller.
  while (::write(write_fd_, &byte, 1) < 0 && errno == EINTR) {}
}

}  // namespace drover
