# CTest labels (docs/testing.md), read by ctest after the discovered GoogleTest tests are added
# (TEST_INCLUDE_FILES of tests/CMakeLists.txt). A name that matches no test is ignored.
#   slow         runs the whole demo scenario several times (determinism, kill at several points)
#   out-of-tree  installs this build tree and builds examples/plugin against it with CMake
#   timing       asserts a wall-clock limit, which means nothing under the sanitizers' 2-3x slowdown (the code
#                it times is also covered by other tests)
# `make sanitize-test` leaves all three out (-LE 'slow|out-of-tree|timing'); `make test` runs everything.
set_tests_properties(
  Determinism.OutputsAreIdenticalWhateverThreadsAndTiles
  AtomicOutputs.KilledRunLeavesEarlierOutputsIntact
  PROPERTIES LABELS slow)
set_tests_properties(
  ExamplePlugin.BuiltAgainstTheInstalledHeadersOnly
  ExamplePlugin.LoadsWithItsNameAndVersion
  ExamplePlugin.TheCommandLineFindsAndDocumentsIt
  ExamplePlugin.ScoresAScenarioWithTheExpectedValues
  ExamplePlugin.AMissingLayerIsReportedAsTheEnginesError
  ExamplePlugin.TheInstalledCommandLineRunsItWithoutAnyPluginPath
  PROPERTIES LABELS out-of-tree)
set_tests_properties(
  Quicklook.LargeGridIsAveragedDownQuickly
  SurveyReferrals.LinkGroupsIsFastWhereIncidentsCrowd
  PlanSigns.GainsNeverRiseAlongTheOrderAndTheGreedyIsFast
  PlanStability.SameSeedSameFiguresAndTheTimeIsSmall
  ColombiaBacktest.RollingOriginOnACutOfTheRecords
  PROPERTIES LABELS timing)
