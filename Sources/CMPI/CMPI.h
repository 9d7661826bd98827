// MPI's C interface for Swift. mpi.h defines the world communicator, the datatypes, the
// reduction operations and MPI_IN_PLACE as macros over addresses or casts (Open MPI's
// MPI_COMM_WORLD is &ompi_mpi_comm_world), which Swift cannot import; these inline functions
// return them. Only MPI-3 names, so the header compiles against Open MPI and MPICH alike
// (.ci/distributed-checks builds and runs the checks with both).
#ifndef CMPI_H
#define CMPI_H

#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline MPI_Op cmpi_max(void) { return MPI_MAX; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
// An enum constant in Open MPI, a macro in MPICH: Swift would import them as different types.
static inline int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }

#endif
