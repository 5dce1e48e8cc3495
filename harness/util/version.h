/* The scxlab version, recorded in every result. */
#ifndef HARNESS_VERSION_H
#define HARNESS_VERSION_H
#define SCXLAB_VERSION "0.1.0"
#endif
