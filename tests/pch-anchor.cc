// The source of ofab_test_pch (tests/CMakeLists.txt): the target exists to build the suites'
// precompiled header once; this file is compiled with it and holds nothing.
