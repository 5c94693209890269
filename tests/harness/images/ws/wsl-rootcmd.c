/* wsl-rootcmd.c -- setuid-root helper of the workspace stand-in image (/usr/local/sbin/wsl-rootcmd).
 *
 * The real Kloud image runs as user kloud (uid 1000) and starts its inner dockerd through password-less
 * sudo. The stand-in has no sudo: this tiny static binary (built by mkimages.sh with "gcc -static",
 * installed mode 4755 root:root) becomes root and runs ONE fixed script, /usr/local/lib/wsl/start-dockerd,
 * with a fixed environment. It ignores its arguments and the caller's environment entirely, so it can do
 * nothing but start the workspace's own dockerd. Test image only.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    static char *const argv[] = { "/bin/sh", "/usr/local/lib/wsl/start-dockerd", NULL };
    static char *const envp[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME=/root",
        NULL,
    };

    if (setgroups(0, NULL) != 0 || setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) {
        perror("wsl-rootcmd: cannot become root (no-new-privileges? not installed setuid?)");
        return 1;
    }
    execve(argv[0], argv, envp);
    perror("wsl-rootcmd: execve /bin/sh");
    return 127;
}
