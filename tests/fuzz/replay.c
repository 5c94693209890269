/* replay.c - main() for a fuzz harness without libFuzzer: runs the harness
 * once on every file named on the command line (directories are walked one
 * level deep).  Built with the normal compiler for every build, so the
 * committed corpus (including the inputs that once crashed) is a plain
 * regression test, also under ASan/UBSan and valgrind.  Exit 0 when every
 * input ran (a failed property aborts), 1 when an input cannot be read or
 * when no input was found (a replay that tests nothing must not pass). */
#include "fuzz.h"

#include <dirent.h>
#include <sys/stat.h>

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	if (!buf)
		abort();
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		perror(path);
		free(buf);
		return -1;
	}
	/* An exact-size copy, so ASan sees reads past the end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	long ran = 0, failed = 0;
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			failed++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]))
				failed++;
			else
				ran++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			failed++;
			continue;
		}
		char **names = NULL;
		size_t nn = 0;
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			names = realloc(names, (nn + 1) * sizeof(*names));
			if (!names)
				abort();
			size_t l = strlen(argv[i]) + strlen(de->d_name) + 2;
			names[nn] = malloc(l);
			if (!names[nn])
				abort();
			snprintf(names[nn], l, "%s/%s", argv[i], de->d_name);
			nn++;
		}
		closedir(d);
		qsort(names, nn, sizeof(*names), cmp_names);
		for (size_t k = 0; k < nn; k++) {
			if (run_file(names[k]))
				failed++;
			else
				ran++;
			free(names[k]);
		}
		free(names);
	}
	fprintf(stderr, "%s: %ld inputs replayed, %ld unreadable\n", argv[0], ran, failed);
	return failed || !ran ? 1 : 0;
}
