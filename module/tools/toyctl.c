// SPDX-License-Identifier: GPL-2.0
/*
 * toyctl - drive and observe toyalloc from user space
 *
 *	toyctl COMMAND [ARGUMENT...]
 *	toyctl stats | map | frag | buddyinfo | slabinfo
 *
 * A command goes to /dev/toyalloc (the toyalloc_ctl module) as one line,
 * and the reply read back from the same descriptor is printed; the device
 * knows its commands, and "toyctl help" prints them.  The views print
 * toyalloc's debugfs and /proc files.  Exits 1 with the kernel's error
 * when a command is refused (dmesg has the reason).  Built statically for
 * the VM's initramfs.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEVICE		"/dev/toyalloc"
#define DEBUGFS		"/sys/kernel/debug/toyalloc/"
#define LINE_MAX_LEN	127
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char usage[] =
	"usage: toyctl COMMAND [ARGUMENT...]   (toyctl help: the commands)\n"
	"       toyctl stats | map | frag | buddyinfo | slabinfo\n";

static const struct view {
	const char *name;
	const char *files[2];
} views[] = {
	{ "stats", { DEBUGFS "stats" } },
	{ "map", { DEBUGFS "zone_map" } },
	{ "frag", { DEBUGFS "unusable_index", DEBUGFS "extfrag_index" } },
	{ "buddyinfo", { "/proc/toybuddyinfo" } },
	{ "slabinfo", { "/proc/toyslabinfo" } },
};

static int print_file(const char *path, int titled)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "toyctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (titled)
		printf("%s:\n", strrchr(path, '/') + 1);
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, n) != n)
			break;
	close(fd);
	return n < 0;
}

static int show_view(const struct view *v)
{
	int i, ret = 0, titled = !!v->files[1];

	for (i = 0; i < 2 && v->files[i]; i++)
		ret |= print_file(v->files[i], titled);
	return ret;
}

static int send_command(int argc, char **argv)
{
	char line[LINE_MAX_LEN + 2], reply[1024];
	size_t len = 0;
	ssize_t n;
	int i, fd;

	for (i = 1; i < argc; i++) {
		if (len + strlen(argv[i]) + 1 > LINE_MAX_LEN) {
			fprintf(stderr, "toyctl: command longer than %d bytes\n",
				LINE_MAX_LEN);
			return 1;
		}
		len += sprintf(line + len, "%s%s", i > 1 ? " " : "", argv[i]);
	}
	line[len++] = '\n';

	fd = open(DEVICE, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "toyctl: %s: %s\n", DEVICE, strerror(errno));
		return 1;
	}
	if (write(fd, line, len) != (ssize_t)len) {
		fprintf(stderr, "toyctl: %s: %s (see dmesg)\n", argv[1],
			strerror(errno));
		close(fd);
		return 1;
	}
	n = read(fd, reply, sizeof(reply) - 1);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "toyctl: reading the reply: %s\n", strerror(errno));
		return 1;
	}
	reply[n] = '\0';
	fputs(reply, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < ARRAY_SIZE(views); i++)
		if (argc == 2 && !strcmp(argv[1], views[i].name))
			return show_view(&views[i]);
	return send_command(argc, argv);
}
