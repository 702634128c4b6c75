/*
 * A stand-in for libFuzzer where there is none (gcc, the ASan build): runs
 * a LLVMFuzzerTestOneInput over every corpus file, then over N mutations
 * of them. The mutations come from a seeded generator (splitmix64), so a
 * run is the same every time: "-only=K" runs mutation K alone and
 * "-dump=K" writes it to a file. No coverage feedback: this is seeded
 * random testing, the clang build does the guided fuzzing.
 *
 *   fuzz_X [-runs=N] [-seed=S] [-max_len=L] [-only=K] [-dump=K]
 *          [-artifact_prefix=P] FILE|DIR...
 *
 * An input that crashes (a signal, or a sanitizer report) is named on
 * stderr and written to P + "crash-input" before the process dies (with
 * gcc's UBSan only if UBSAN_OPTIONS has abort_on_error=1, as the ctest
 * tests set). Exit status 0 when every input ran, 2 on usage errors.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));
void	__sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

struct unit {
	char	*name;
	uint8_t	*data;
	size_t	 len;
};

static struct unit	*units;
static size_t		 nunits, aunits;
static const uint8_t	*cur;		/* the input being run */
static size_t		 curlen;
static const char	*curname;	/* its corpus file, or NULL */
static long long	 curmut = -1;	/* its mutation number */
static char		 crashpath[1024];

static void	die(const char *, const char *) __attribute__((noreturn));

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "driver: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static void
say(const char *s)
{
	(void)!write(2, s, strlen(s));
}

/* Say which input died and write it out (async-signal-safe). */
static void
save_current(void)
{
	char num[24], *p = num + sizeof(num) - 1;
	long long k = curmut;
	int fd;
	ssize_t w;
	size_t off = 0;

	if (cur == NULL)
		return;
	if (curname != NULL) {
		say("driver: died on ");
		say(curname);
	} else {
		*p = '\0';
		do
			*--p = (char)('0' + k % 10);
		while ((k /= 10) > 0);
		say("driver: died on mutation ");
		say(p);
		say(" (run it alone with the same seed and files: -only=");
		say(p);
		say(")");
	}
	say("\n");
	fd = open(crashpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	while (off < curlen && (w = write(fd, cur + off, curlen - off)) > 0)
		off += (size_t)w;
	close(fd);
	say("driver: input saved to ");
	say(crashpath);
	say("\n");
	cur = NULL;
}

static void
on_signal(int sig)
{
	save_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

static void
add_unit(const char *path)
{
	FILE *f;
	struct unit *u;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		die("%s: cannot open", path);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		die("%s: cannot read", path);
	if (nunits == aunits) {
		aunits = aunits ? 2 * aunits : 64;
		if ((units = realloc(units, aunits * sizeof(*units))) == NULL)
			die("%s", "out of memory");
	}
	u = &units[nunits++];
	u->name = strdup(path);
	u->len = (size_t)n;
	u->data = malloc(u->len ? u->len : 1);
	if (u->name == NULL || u->data == NULL)
		die("%s", "out of memory");
	if (u->len && fread(u->data, 1, u->len, f) != u->len)
		die("%s: short read", path);
	fclose(f);
}

static int
cmpstr(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* A file, or every regular file of a directory in name order. */
static void
add_path(const char *path)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;
	char **names = NULL, buf[2048];
	size_t n = 0, a = 0, i;

	if (stat(path, &sb) != 0)
		die("%s: no such file or directory", path);
	if (!S_ISDIR(sb.st_mode)) {
		add_unit(path);
		return;
	}
	if ((d = opendir(path)) == NULL)
		die("%s: cannot open", path);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(buf, sizeof(buf), "%s/%s", path, de->d_name);
		if (stat(buf, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (n == a) {
			a = a ? 2 * a : 64;
			if ((names = realloc(names, a * sizeof(*names))) ==
			    NULL)
				die("%s", "out of memory");
		}
		if ((names[n++] = strdup(buf)) == NULL)
			die("%s", "out of memory");
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++) {
		add_unit(names[i]);
		free(names[i]);
	}
	free(names);
}

/* A value a parser is likely to treat specially. */
static uint32_t
interesting(uint64_t *s)
{
	static const uint32_t v[] = { 0, 1, 2, 4, 0x7f, 0x80, 0xff, 0x100,
	    0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
	    0xffffffff, 240, 255, 5, 4, 12, 13, 20, 84, 240 };

	return (v[rnd(s) % (sizeof(v) / sizeof(v[0]))]);
}

/* Mutation k of the corpus into buf (max bytes); its length. */
static size_t
mutate(uint64_t seed, uint64_t k, uint8_t *buf, size_t max)
{
	uint64_t s = seed ^ (k * 0xd1342543de82ef95ULL);
	const struct unit *u = &units[rnd(&s) % nunits], *o;
	size_t len = u->len < max ? u->len : max, pos, n, m, i;
	int nmut = 1 + (int)(rnd(&s) % 4), j;
	uint32_t v;

	memcpy(buf, u->data, len);
	for (j = 0; j < nmut; j++) {
		pos = len ? rnd(&s) % len : 0;
		switch (rnd(&s) % 11) {
		case 0:		/* flip a bit */
			if (len)
				buf[pos] ^= (uint8_t)(1 << (rnd(&s) % 8));
			break;
		case 1:		/* a random byte */
			if (len)
				buf[pos] = (uint8_t)rnd(&s);
			break;
		case 2:		/* an interesting byte */
			if (len)
				buf[pos] = (uint8_t)interesting(&s);
			break;
		case 3:		/* an interesting 16 or 32 bit value, BE */
			v = interesting(&s);
			n = rnd(&s) & 1 ? 2 : 4;
			for (i = 0; i < n && pos + i < len; i++)
				buf[pos + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
			break;
		case 4:		/* add or subtract a little */
			if (len)
				buf[pos] += (uint8_t)(rnd(&s) % 33) - 16;
			break;
		case 5:		/* insert random bytes */
			n = 1 + rnd(&s) % 16;
			if (len + n > max)
				break;
			memmove(buf + pos + n, buf + pos, len - pos);
			for (i = 0; i < n; i++)
				buf[pos + i] = (uint8_t)rnd(&s);
			len += n;
			break;
		case 6:		/* delete a range */
			if (len == 0)
				break;
			n = 1 + rnd(&s) % (len - pos < 64 ? len - pos : 64);
			memmove(buf + pos, buf + pos + n, len - pos - n);
			len -= n;
			break;
		case 7:		/* duplicate a range */
			if (len == 0)
				break;
			n = 1 + rnd(&s) % (len - pos < 256 ? len - pos : 256);
			if (len + n > max)
				break;
			m = rnd(&s) % (len + 1);
			memmove(buf + m + n, buf + m, len - m);
			memmove(buf + m, buf + (pos >= m ? pos + n : pos), n);
			len += n;
			break;
		case 8:		/* splice in a range of another unit */
			o = &units[rnd(&s) % nunits];
			if (o->len == 0)
				break;
			m = rnd(&s) % o->len;
			n = 1 + rnd(&s) % (o->len - m);
			if (pos + n > max)
				n = max - pos;
			memcpy(buf + pos, o->data + m, n);
			if (pos + n > len)
				len = pos + n;
			break;
		case 9:		/* truncate */
			len = pos;
			break;
		default:	/* copy a range within */
			if (len == 0)
				break;
			m = rnd(&s) % len;
			n = 1 + rnd(&s) % (len - (pos > m ? pos : m));
			memmove(buf + pos, buf + m, n);
			break;
		}
	}
	return (len);
}

static void
run_one(const char *name, long long k, const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);	/* exact size: overreads trap */

	if (copy == NULL)
		die("%s", "out of memory");
	memcpy(copy, data, len);
	cur = copy;
	curlen = len;
	curname = name;
	curmut = k;
	LLVMFuzzerTestOneInput(copy, len);
	cur = NULL;
	free(copy);
}

static int
flag(const char *a, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0 || a[n] != '=')
		return (0);
	*val = a + n + 1;
	return (1);
}

int
main(int argc, char **argv)
{
	uint64_t runs = 10000, seed = 1, k;
	long long only = -1, dump = -1;
	size_t max = 4096, len, i;
	const char *v, *prefix = "./";
	uint8_t *buf;
	struct timespec t0, t1;
	double sec;
	int a;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (a = 1; a < argc; a++) {
		if (flag(argv[a], "-runs", &v))
			runs = strtoull(v, NULL, 0);
		else if (flag(argv[a], "-seed", &v))
			seed = strtoull(v, NULL, 0);
		else if (flag(argv[a], "-max_len", &v))
			max = strtoull(v, NULL, 0);
		else if (flag(argv[a], "-only", &v))
			only = strtoll(v, NULL, 0);
		else if (flag(argv[a], "-dump", &v))
			dump = strtoll(v, NULL, 0);
		else if (flag(argv[a], "-artifact_prefix", &v))
			prefix = v;
		else if (argv[a][0] == '-')
			die("unknown option %s", argv[a]);
		else
			add_path(argv[a]);
	}
	if (nunits == 0)
		die("%s", "no corpus files");
	if (max == 0)
		max = 1;
	snprintf(crashpath, sizeof(crashpath), "%scrash-input", prefix);
	if ((buf = malloc(max)) == NULL)
		die("%s", "out of memory");
	if (dump >= 0) {
		FILE *f;

		snprintf(crashpath, sizeof(crashpath), "%smutation-%lld",
		    prefix, dump);
		len = mutate(seed, (uint64_t)dump, buf, max);
		if ((f = fopen(crashpath, "wb")) == NULL ||
		    fwrite(buf, 1, len, f) != len || fclose(f) != 0)
			die("%s: cannot write", crashpath);
		printf("%s (%zu bytes)\n", crashpath, len);
		return (0);
	}
	/*
	 * A sanitizer reports faults itself and then calls the death
	 * callback (UBSan, a runtime of its own with gcc, aborts instead
	 * if UBSAN_OPTIONS has abort_on_error=1).
	 */
	signal(SIGABRT, on_signal);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(save_current);
	else {
		signal(SIGSEGV, on_signal);
		signal(SIGBUS, on_signal);
		signal(SIGFPE, on_signal);
		signal(SIGILL, on_signal);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (only >= 0) {
		len = mutate(seed, (uint64_t)only, buf, max);
		run_one(NULL, only, buf, len);
		printf("driver: mutation %lld (%zu bytes) ok\n", only, len);
		return (0);
	}
	for (i = 0; i < nunits; i++)
		run_one(units[i].name, -1, units[i].data, units[i].len);
	for (k = 0; k < runs; k++) {
		len = mutate(seed, k, buf, max);
		run_one(NULL, (long long)k, buf, len);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sec = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("driver: %zu corpus files and %llu mutations (seed %llu) "
	    "ok in %.1f s, %.0f exec/s\n", nunits, (unsigned long long)runs,
	    (unsigned long long)seed, sec,
	    (double)(nunits + runs) / (sec > 0 ? sec : 1e-9));
	for (i = 0; i < nunits; i++) {
		free(units[i].name);
		free(units[i].data);
	}
	free(units);
	free(buf);
	return (0);
}
