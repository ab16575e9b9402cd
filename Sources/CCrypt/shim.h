// glibc's libcrypt (libxcrypt): crypt_r and crypt_gensalt_rn for password hashes (yescrypt "$y$" by default).
#include <crypt.h>
