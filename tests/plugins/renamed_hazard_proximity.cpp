// Test plugin: the built-in hazard_proximity, unchanged, under a name the engine has never heard of, as a
// programme's own replacement would be. Its descriptor declares the same roles (baseline, hazard_rules), so the
// backtest baselines, the zones' and the plans' hazard rules must come out exactly as with the built-in.
#define HAZARD_PROXIMITY_NAME "local_hazard_distance"
#include "../../plugins/hazard_proximity/hazard_proximity.cpp"
