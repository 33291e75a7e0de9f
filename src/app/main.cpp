#include "app/commands.hpp"

extern char** environ;

int main(int argc, char** argv) { return auralis::app::runCli(argc, argv, environ); }
