// Marks the real-time render path. Under clang-22 with -fsanitize=realtime,
// RealtimeSanitizer aborts on any lock, allocation or blocking system call made
// (transitively) inside a function marked AURALIS_NONBLOCKING. Other compilers
// see nothing.
#pragma once

#if defined(__clang__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::nonblocking)
#define AURALIS_NONBLOCKING [[clang::nonblocking]]
#endif
#endif
#ifndef AURALIS_NONBLOCKING
#define AURALIS_NONBLOCKING
#endif
