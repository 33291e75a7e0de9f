#include <jack/jack.h>

#include <iostream>

#include "app/commands.hpp"
#include "io/rtaudio_backend.hpp"

namespace auralis::app {

int runDevices() {
  const auto devices = io::listAudioDevices();
  std::cout << "rtaudio devices (--backend rtaudio --device NAME|ID):\n";
  if (devices.empty()) std::cout << "  none found (no sound card, or no access to one)\n";
  for (const auto& d : devices) {
    std::cout << "  [" << d.api << " " << d.id << "] " << d.name << "  out " << d.outputChannels
              << ", in " << d.inputChannels << (d.isDefaultOutput ? "  (default)" : "") << "\n";
  }
  jack_set_error_function([](const char*) {});  // "no server" is reported below, once
  jack_status_t status{};
  if (jack_client_t* c = jack_client_open("auralis-probe", JackNoStartServer, &status)) {
    std::cout << "jack: server running at " << jack_get_sample_rate(c) << " Hz, "
              << jack_get_buffer_size(c) << " frames (--backend jack)\n";
    jack_client_close(c);
  } else {
    std::cout << "jack: no server running\n";
  }
  std::cout << "clock: always available (--backend clock, the default)\n";
  return 0;
}

}  // namespace auralis::app
