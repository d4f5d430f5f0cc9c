# Sources of fabric/model (workloads), listed here so fabric/CMakeLists.txt stays short.
set(OFAB_FABRIC_MODEL_SOURCES
  model/workload.cc
  model/traffic-pattern.cc
  model/collective-workload.cc
)
