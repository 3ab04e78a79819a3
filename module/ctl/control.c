// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc control device: /dev/toyalloc
 *
 * Root drives the allocators from user space by writing one text command per
 * write() and reading its reply with the next read() on the same file
 * descriptor (the toyctl tool does both).  The commands, their arguments
 * and the limits of each are toy_ctl_verbs[] below, the one place they are
 * written: the parser checks a line against it, and the "help" command
 * prints it, which is the help "toyctl help" shows.
 *
 * Allocations answer with a handle, an index into a bounded table, so user
 * space never sees a kernel pointer; page blocks also give their page
 * offset in the zone.  Read-only views (statistics, zone map,
 * fragmentation indices) are debugfs files (debugfs.c).
 *
 * A write is one command: printable text (spaces and tabs included) and at
 * most one final newline, TOY_CTL_LINE_MAX bytes at most; a NUL or any
 * other byte refuses the whole write.  The reply is read like a file: a
 * short read returns its first bytes and the next read the rest, a read at
 * its end returns 0, and the next write replaces it.  A command whose caller
 * is killed (a long workload or bench) stops within one loop of its work,
 * gives back what it took and fails with EINTR.
 *
 * A misc device rather than a debugfs file: the reply belongs to the file
 * descriptor that asked, so two shells driving the module at once never read
 * each other's answers, and the node is root-only (0600) even where debugfs
 * is open to all (CONFIG_DEBUG_FS_ALLOW_ALL).  Every error is the errno of
 * the write() and one line in dmesg.  Everything the handles, the caches
 * made here and the workload hold is freed at rmmod.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "ctl.h"

#define TOY_CTL_MAX_HANDLES	1024
#define TOY_CTL_MAX_CACHES	16
/* Room for the longest reply, the help text. */
#define TOY_CTL_REPLY_LEN	1024

enum toy_handle_kind { TOY_HANDLE_NONE, TOY_HANDLE_PAGES, TOY_HANDLE_KMALLOC,
		       TOY_HANDLE_OBJECT };

struct toy_handle {
	enum toy_handle_kind kind;
	void *addr;
	unsigned int order;
	struct toy_cache *cache;
};

/* The reply to a descriptor's last command, and how much of it was read. */
struct toy_ctl_reply {
	size_t len;
	loff_t pos;
	char buf[TOY_CTL_REPLY_LEN];
};

/* Everything the control device acts on and holds; under its mutex. */
static struct {
	struct mutex mutex;	/* serialises commands */
	struct toy_zone *zone;
	struct toy_caches *caches;
	struct toy_kmalloc *km;
	struct toy_workload workload;
	struct toy_cache *cache[TOY_CTL_MAX_CACHES];
	struct toy_handle handle[TOY_CTL_MAX_HANDLES];
} toy_ctl;

static int toy_ctl_new_handle(enum toy_handle_kind kind, void *addr,
			      unsigned int order, struct toy_cache *cache)
{
	unsigned int h;

	for (h = 0; h < TOY_CTL_MAX_HANDLES; h++) {
		if (toy_ctl.handle[h].kind == TOY_HANDLE_NONE) {
			toy_ctl.handle[h] = (struct toy_handle){ kind, addr, order, cache };
			return h;
		}
	}
	return -ENOSPC;
}

static int toy_ctl_free_handle(struct toy_handle *handle)
{
	int ret = 0;

	switch (handle->kind) {
	case TOY_HANDLE_PAGES:
		ret = toy_zone_free(toy_ctl.zone, handle->addr, handle->order);
		break;
	case TOY_HANDLE_KMALLOC:
		ret = toy_kmalloc_free(toy_ctl.km, handle->addr);
		break;
	case TOY_HANDLE_OBJECT:
		ret = toy_cache_free(handle->cache, handle->addr);
		break;
	case TOY_HANDLE_NONE:
		return 0;
	}
	if (!ret)
		handle->kind = TOY_HANDLE_NONE;
	return ret;
}

/* Slot of the cache this device created under @name, or -1. */
static int toy_ctl_find_cache(const char *name)
{
	unsigned int i;

	for (i = 0; i < TOY_CTL_MAX_CACHES; i++)
		if (toy_ctl.cache[i] && !strcmp(toy_ctl.cache[i]->name, name))
			return i;
	return -1;
}

static __printf(2, 3) void toy_reply(struct toy_ctl_reply *reply,
				     const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	reply->len = vscnprintf(reply->buf, sizeof(reply->buf), fmt, args);
	va_end(args);
}

static int toy_ctl_keep(struct toy_ctl_reply *reply, enum toy_handle_kind kind,
			void *addr, unsigned int order, struct toy_cache *cache)
{
	int h;

	if (!addr)
		return -ENOMEM;
	h = toy_ctl_new_handle(kind, addr, order, cache);
	if (h < 0) {
		struct toy_handle undo = { kind, addr, order, cache };

		toy_ctl_free_handle(&undo);
		pr_err_ratelimited("control: all %d handles in use\n", TOY_CTL_MAX_HANDLES);
		return h;
	}
	switch (kind) {
	case TOY_HANDLE_PAGES:
		toy_reply(reply, "handle %d order %u offset %ld\n", h, order,
			  toy_virt_to_idx(toy_ctl.zone, addr));
		break;
	case TOY_HANDLE_KMALLOC:
		toy_reply(reply, "handle %d size %zu\n", h,
			  toy_kmalloc_size(toy_ctl.km, addr));
		break;
	default:
		toy_reply(reply, "handle %d cache %s\n", h, cache->name);
	}
	return 0;
}

static int toy_ctl_alloc(const struct toy_ctl_cmd *cmd,
			 struct toy_ctl_reply *reply)
{
	return toy_ctl_keep(reply, TOY_HANDLE_PAGES,
			    toy_zone_alloc(toy_ctl.zone, cmd->args[0], GFP_KERNEL),
			    cmd->args[0], NULL);
}

static int toy_ctl_kmalloc(const struct toy_ctl_cmd *cmd,
			   struct toy_ctl_reply *reply)
{
	return toy_ctl_keep(reply, TOY_HANDLE_KMALLOC,
			    toy_kmalloc_alloc(toy_ctl.km, cmd->args[0],
					      GFP_KERNEL), 0, NULL);
}

static int toy_ctl_cache_alloc(const struct toy_ctl_cmd *cmd,
			       struct toy_ctl_reply *reply)
{
	int slot = toy_ctl_find_cache(cmd->name);

	if (slot < 0) {
		pr_err_ratelimited("control: no cache %s made through /dev/toyalloc\n",
				   cmd->name);
		return -ENOENT;
	}
	return toy_ctl_keep(reply, TOY_HANDLE_OBJECT,
			    toy_cache_alloc(toy_ctl.cache[slot], GFP_KERNEL), 0,
			    toy_ctl.cache[slot]);
}

static int toy_ctl_free(const struct toy_ctl_cmd *cmd,
			struct toy_ctl_reply *reply)
{
	unsigned int h = cmd->args[0];
	int ret;

	if (toy_ctl.handle[h].kind == TOY_HANDLE_NONE) {
		pr_err_ratelimited("control: no handle %u\n", h);
		return -ENOENT;
	}
	ret = toy_ctl_free_handle(&toy_ctl.handle[h]);
	if (!ret)
		toy_reply(reply, "freed %u\n", h);
	return ret;
}

static int toy_ctl_cache_create(const struct toy_ctl_cmd *cmd,
				struct toy_ctl_reply *reply)
{
	struct toy_cache *cache;
	int slot;

	for (slot = 0; slot < TOY_CTL_MAX_CACHES; slot++)
		if (!toy_ctl.cache[slot])
			break;
	if (slot == TOY_CTL_MAX_CACHES) {
		pr_err_ratelimited("control: at most %d caches\n", TOY_CTL_MAX_CACHES);
		return -ENOSPC;
	}
	cache = toy_cache_create(toy_ctl.caches, cmd->name, cmd->args[0],
				 cmd->args[1], 0, NULL);
	if (IS_ERR(cache))
		return PTR_ERR(cache);
	toy_ctl.cache[slot] = cache;
	toy_reply(reply, "cache %s objsize %u align %u order %u objperslab %u\n",
		  cache->name, cache->size, cache->align, cache->order, cache->num);
	return 0;
}

static int toy_ctl_cache_destroy(const struct toy_ctl_cmd *cmd,
				 struct toy_ctl_reply *reply)
{
	int slot = toy_ctl_find_cache(cmd->name);
	int ret;

	if (slot < 0) {
		pr_err_ratelimited("control: no cache %s made through /dev/toyalloc\n", cmd->name);
		return -ENOENT;
	}
	ret = toy_cache_destroy(toy_ctl.cache[slot]);
	if (ret)
		return ret;
	toy_ctl.cache[slot] = NULL;
	toy_reply(reply, "destroyed %s\n", cmd->name);
	return 0;
}

static int toy_ctl_workload(const struct toy_ctl_cmd *cmd,
			    struct toy_ctl_reply *reply)
{
	struct toy_workload_result r;
	int ret;

	ret = toy_workload_run(&toy_ctl.workload, cmd->args[0], cmd->args[1], &r);
	if (ret)
		return ret;
	toy_reply(reply, "ops %lu allocs %lu frees %lu failures %lu live %u ns %llu\n",
		  r.ops, r.allocs, r.frees, r.failures, r.live, r.ns);
	return 0;
}

static unsigned int toy_ctl_release_all(void)
{
	unsigned int h, released = toy_workload_release(&toy_ctl.workload);

	for (h = 0; h < TOY_CTL_MAX_HANDLES; h++)
		if (toy_ctl.handle[h].kind != TOY_HANDLE_NONE &&
		    !toy_ctl_free_handle(&toy_ctl.handle[h]))
			released++;
	return released;
}

static int toy_ctl_release(const struct toy_ctl_cmd *cmd,
			   struct toy_ctl_reply *reply)
{
	toy_reply(reply, "released %u\n", toy_ctl_release_all());
	return 0;
}

static int toy_ctl_shrink(const struct toy_ctl_cmd *cmd,
			  struct toy_ctl_reply *reply)
{
	unsigned long slabs = toy_caches_shrink(toy_ctl.caches);

	toy_zone_drain(toy_ctl.zone);
	toy_reply(reply, "shrunk %lu slabs\n", slabs);
	return 0;
}

static int toy_ctl_validate(const struct toy_ctl_cmd *cmd,
			    struct toy_ctl_reply *reply)
{
	int ret = toy_zone_validate(toy_ctl.zone) ?:
		  toy_caches_validate(toy_ctl.caches);

	if (!ret)
		toy_reply(reply, "ok\n");
	return ret;
}

static int toy_ctl_bench(const struct toy_ctl_cmd *cmd,
			 struct toy_ctl_reply *reply)
{
	struct toy_bench_config cfg = { cmd->args[0], cmd->args[1] };
	int ret = toy_bench_run(&cfg, toy_bench_print, NULL);

	if (ret)
		return ret;
	pr_info("bench metadata: %zu bytes per page (struct toy_page), kernel %zu (struct page)\n",
		sizeof(struct toy_page), sizeof(struct page));
	toy_reply(reply, "bench done: results in dmesg\n");
	return 0;
}

static int toy_ctl_help(const struct toy_ctl_cmd *cmd,
			struct toy_ctl_reply *reply);

/**
 * struct toy_ctl_arg - one unsigned argument of a command
 * @name: as the help text shows it
 * @min: smallest value accepted
 * @max: largest value accepted
 */
struct toy_ctl_arg {
	const char *name;
	unsigned int min;
	unsigned int max;
};

/**
 * struct toy_ctl_verb_desc - a command of /dev/toyalloc
 * @name: the first word of the line
 * @takes_name: a cache name (1..31 characters) comes before the arguments
 * @nr_args: how many unsigned decimal arguments follow
 * @arg: each argument's name and limits
 * @help: what the command does, for "help"
 * @run: does it, under the device's mutex; fills the reply or returns
 *	an errno after printing one line
 */
struct toy_ctl_verb_desc {
	const char *name;
	bool takes_name;
	unsigned int nr_args;
	struct toy_ctl_arg arg[TOY_CTL_MAX_ARGS];
	const char *help;
	int (*run)(const struct toy_ctl_cmd *cmd, struct toy_ctl_reply *reply);
};

static const struct toy_ctl_verb_desc toy_ctl_verbs[TOY_CTL_NR_VERBS] = {
	[TOY_CTL_ALLOC] = { "alloc", false, 1, { { "ORDER", 0, TOY_MAX_ORDER } },
		"2^ORDER pages from the zone", toy_ctl_alloc },
	[TOY_CTL_FREE] = { "free", false, 1, { { "H", 0, TOY_CTL_MAX_HANDLES - 1 } },
		"give back what handle H holds", toy_ctl_free },
	[TOY_CTL_KMALLOC] = { "kmalloc", false, 1,
		{ { "SIZE", 1, PAGE_SIZE << TOY_MAX_ORDER } },
		"SIZE bytes through the kmalloc size classes", toy_ctl_kmalloc },
	[TOY_CTL_CACHE_CREATE] = { "cache-create", true, 2,
		{ { "SIZE", 1, TOY_CACHE_MAX_SIZE }, { "ALIGN", 0, PAGE_SIZE } },
		"a cache of SIZE-byte objects (ALIGN 0: the default)",
		toy_ctl_cache_create },
	[TOY_CTL_CACHE_DESTROY] = { "cache-destroy", true, 0, { },
		"destroy a cache made here", toy_ctl_cache_destroy },
	[TOY_CTL_CACHE_ALLOC] = { "cache-alloc", true, 0, { },
		"an object of a cache made here", toy_ctl_cache_alloc },
	[TOY_CTL_WORKLOAD] = { "workload", false, 2,
		{ { "SEED", 0, UINT_MAX }, { "OPS", 1, TOY_WORKLOAD_MAX_OPS } },
		"a seeded random mix of page blocks and objects", toy_ctl_workload },
	[TOY_CTL_RELEASE] = { "release", false, 0, { },
		"free every handle and what the workloads hold", toy_ctl_release },
	[TOY_CTL_SHRINK] = { "shrink", false, 0, { },
		"give free slabs, then the per-CPU page lists, back to the zone",
		toy_ctl_shrink },
	[TOY_CTL_VALIDATE] = { "validate", false, 0, { },
		"run the zone and cache validators", toy_ctl_validate },
	[TOY_CTL_BENCH] = { "bench", false, 2,
		{ { "OPS", TOY_BENCH_MIN_OPS, TOY_BENCH_MAX_OPS },
		  { "REPS", 1, TOY_BENCH_MAX_REPS } },
		"toyalloc against the kernel's allocators, results in dmesg",
		toy_ctl_bench },
	[TOY_CTL_HELP] = { "help", false, 0, { }, "this list", toy_ctl_help },
};

static int toy_ctl_help(const struct toy_ctl_cmd *cmd,
			struct toy_ctl_reply *reply)
{
	const struct toy_ctl_verb_desc *v;
	char usage[64];
	size_t len;
	unsigned int i;

	for (v = toy_ctl_verbs; v < toy_ctl_verbs + TOY_CTL_NR_VERBS; v++) {
		len = scnprintf(usage, sizeof(usage), "%s%s", v->name,
				v->takes_name ? " NAME" : "");
		for (i = 0; i < v->nr_args; i++)
			len += scnprintf(usage + len, sizeof(usage) - len, " %s",
					 v->arg[i].name);
		reply->len += scnprintf(reply->buf + reply->len,
					sizeof(reply->buf) - reply->len,
					"%-28s %s\n", usage, v->help);
	}
	return 0;
}

/* An unsigned decimal number within @arg's limits. */
static int toy_ctl_parse_arg(const char *word, const struct toy_ctl_arg *arg,
			     unsigned int *value)
{
	if (kstrtouint(word, 10, value) || *value < arg->min || *value > arg->max)
		return -EINVAL;
	return 0;
}

/**
 * toy_ctl_parse() - check a command line against toy_ctl_verbs[]
 * @line: a NUL-terminated line; modified in place
 * @cmd: the result
 *
 * Words are separated by spaces or tabs.  The verb must be a known command
 * followed by exactly its arguments: a cache name (1..31 characters) for
 * the verbs that take one, then unsigned decimal numbers, each within its
 * limits.
 *
 * Return: 0, or -EINVAL for anything malformed.
 */
int toy_ctl_parse(char *line, struct toy_ctl_cmd *cmd)
{
	const struct toy_ctl_verb_desc *v = NULL;
	char *word, *rest = strim(line);
	unsigned int i, n = 0;
	bool named = false;

	*cmd = (struct toy_ctl_cmd){ 0 };
	while ((word = strsep(&rest, " \t"))) {
		if (!*word)
			continue;
		if (!v) {
			for (i = 0; i < TOY_CTL_NR_VERBS; i++)
				if (!strcmp(word, toy_ctl_verbs[i].name))
					v = &toy_ctl_verbs[i];
			if (!v)
				return -EINVAL;
			cmd->verb = v - toy_ctl_verbs;
		} else if (v->takes_name && !named) {
			if (strscpy(cmd->name, word, sizeof(cmd->name)) < 0)
				return -EINVAL;
			named = true;
		} else {
			if (n == v->nr_args ||
			    toy_ctl_parse_arg(word, &v->arg[n], &cmd->args[n]))
				return -EINVAL;
			n++;
		}
	}
	if (!v || v->takes_name != named || n != v->nr_args)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(toy_ctl_parse);

static ssize_t toy_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct toy_ctl_reply *reply = file->private_data;
	char line[TOY_CTL_LINE_MAX];
	struct toy_ctl_cmd cmd;
	int ret;

	if (count >= sizeof(line)) {
		pr_err_ratelimited("control: command longer than %zu bytes\n", sizeof(line) - 1);
		return -EINVAL;
	}
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	if (!toy_is_text_line(line, count)) {
		pr_err_ratelimited("control: command holds a NUL or a byte that is not text\n");
		return -EINVAL;
	}
	if (toy_ctl_parse(line, &cmd)) {
		pr_err_ratelimited("control: malformed command (\"help\" lists them)\n");
		return -EINVAL;
	}

	if (mutex_lock_killable(&toy_ctl.mutex))
		return -EINTR;
	reply->len = 0;
	reply->pos = 0;
	ret = toy_ctl_verbs[cmd.verb].run(&cmd, reply);
	mutex_unlock(&toy_ctl.mutex);
	/* The paths that fail for want of memory or a signal say nothing. */
	if (ret == -ENOMEM)
		pr_err_ratelimited("control: %s: out of memory\n",
				   toy_ctl_verbs[cmd.verb].name);
	else if (ret == -EINTR)
		pr_err_ratelimited("control: %s: interrupted by a signal\n",
				   toy_ctl_verbs[cmd.verb].name);
	return ret ? ret : count;
}

static ssize_t toy_ctl_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct toy_ctl_reply *reply = file->private_data;
	ssize_t ret;

	if (mutex_lock_killable(&toy_ctl.mutex))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, &reply->pos, reply->buf,
				      reply->len);
	mutex_unlock(&toy_ctl.mutex);
	return ret;
}

static int toy_ctl_open(struct inode *inode, struct file *file)
{
	struct toy_ctl_reply *reply = kzalloc(sizeof(*reply), GFP_KERNEL);

	file->private_data = reply;
	return reply ? 0 : -ENOMEM;
}

static int toy_ctl_release_file(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations toy_ctl_fops = {
	.owner = THIS_MODULE,
	.open = toy_ctl_open,
	.release = toy_ctl_release_file,
	.read = toy_ctl_read,
	.write = toy_ctl_write,
	.llseek = noop_llseek,
};

static struct miscdevice toy_ctl_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "toyalloc",
	.fops = &toy_ctl_fops,
	.mode = 0600,
};

static int __init toy_ctl_init(void)
{
	int ret;

	mutex_init(&toy_ctl.mutex);
	toy_ctl.zone = toy_default_zone();
	toy_ctl.caches = toy_default_caches();
	toy_ctl.km = toy_default_kmalloc();
	ret = toy_workload_init(&toy_ctl.workload, toy_ctl.zone, toy_ctl.km);
	if (ret)
		return ret;
	ret = misc_register(&toy_ctl_dev);
	if (ret)
		toy_workload_exit(&toy_ctl.workload);
	return ret;
}

/* Everything the handles, the caches made here and the workload hold goes back. */
static void __exit toy_ctl_exit(void)
{
	unsigned int i;

	misc_deregister(&toy_ctl_dev);
	toy_ctl_release_all();
	toy_workload_exit(&toy_ctl.workload);
	for (i = 0; i < TOY_CTL_MAX_CACHES; i++)
		if (toy_ctl.cache[i] && !toy_cache_destroy(toy_ctl.cache[i]))
			toy_ctl.cache[i] = NULL;
}

module_init(toy_ctl_init);
module_exit(toy_ctl_exit);

MODULE_DESCRIPTION("/dev/toyalloc, workloads and a benchmark over toyalloc");
MODULE_AUTHOR("toyalloc developers");
MODULE_LICENSE("GPL");
