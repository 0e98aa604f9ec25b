/* Functions this code base does not use, refused at compile time (after
 * git's banned.h): they write without a bound (strcpy, strcat, sprintf,
 * vsprintf, gets), truncate silently or leave a string unterminated
 * (strncpy, strncat), keep hidden state between calls (strtok, and gmtime,
 * localtime, ctime, asctime, which also break under threads). Use
 * snprintf, memcpy with a known length, strbuf.h, or the _r forms.
 *
 * The build force-includes this header into every .c file (CMake:
 * -include, see attr_target_flags), so no file can forget it. It includes
 * the system headers that declare these functions first: their include
 * guards then keep the declarations from meeting the macros below, and any
 * later call expands to an undeclared identifier, which -Werror refuses:
 * "sorry_strcpy_is_banned" names the reason in the error. */
#ifndef ATTR_BANNED_H
#define ATTR_BANNED_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_banned

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#undef sprintf
#undef vsprintf
#define sprintf(...) BANNED(sprintf)
#define vsprintf(...) BANNED(vsprintf)

#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)

#endif
