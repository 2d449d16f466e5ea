# CTest labels (docs/testing.md), read by ctest after the discovered GoogleTest tests are added
# (TEST_INCLUDE_FILES of tests/CMakeLists.txt). A name that matches no test is ignored.
#   slow         runs the whole demo scenario several times (determinism, kill at several points)
#   out-of-tree  installs this build tree and builds examples/plugin against it with CMake
#   timing       asserts a wall-clock limit, which means nothing under the sanitizers' 2-3x slowdown (the code
#                it times is also covered by other tests)
#   postgres     starts a real PostgreSQL + PostGIS server (tests/support/postgres_server.hpp) and runs the CLI
#                against it: needs the test group's postgresql-15 and postgresql-15-postgis-3, and fails without
#                them. Not left out of the sanitizer pass: the CLI under ASan reads the database too (CI's
#                sanitizer stage installs the test group); `ctest -LE postgres` leaves it out on a machine
#                without PostgreSQL
#   mpi          runs the MPI build (MINERISK_MPI_CLI, set by `make mpi-test`) under mpirun; compiled only then
#   qgis         runs the QGIS Processing provider (qgis/minerisk_processing) headless with PyQGIS and qgis_process;
#                set in tests/qgis/CMakeLists.txt itself (not below): needs the test group's qgis and python3-qgis
# `make sanitize-test` leaves out slow, out-of-tree, timing and qgis (-LE 'slow|out-of-tree|timing|qgis'); `make test` runs everything.
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
set_tests_properties(
  SecretsPostgis.NoOutputFileNorMessageHoldsTheDatabasePassword
  SecretsPostgis.WrongPasswordIsOneMaskedErrorLine
  PostgisSource.TablesAndQueriesGiveTheZonesOfTheFiles
  PostgisSink.ProductsStylesAndRunsReplacedScenarioByScenario
  PostgisSink.RunKilledWhileWritingLeavesTheEarlierRowsWhole
  PostgisSink.QgisProjectReadsTheTablesWithoutAPassword
  PROPERTIES LABELS postgres)
set_tests_properties(
  Mpi.SameOutputsWhateverTheNumberOfRanks
  Mpi.ARankThatStopsFailsTheRunInOneLineAndLeavesEarlierOutputs
  Mpi.ARankThatDiesFailsTheRunAndTheNextRunRemovesTheTemporaries
  Mpi.OnlyARunIsSpreadOverTheRanks
  PROPERTIES LABELS mpi)
