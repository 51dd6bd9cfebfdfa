// zlib, for the entries np.savez_compressed deflates (Debian's zlib1g-dev).
#include <zlib.h>
