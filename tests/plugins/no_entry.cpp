// Test plugin: a perfectly good shared library that is not a minerisk plugin (no minerisk_plugin_v1).
// The engine must refuse it and name the entry point it looked for.
#include "minerisk/plugin.h"

extern "C" MINERISK_PLUGIN_EXPORT int minerisk_plugin_v0(void) { return 42; }  // a near miss, on purpose
