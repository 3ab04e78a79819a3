// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc control device: /dev/toyalloc
 *
 * Root drives the allocators from user space by writing one text command per
 * write() and reading its one-line reply with the next read() on the same
 * file descriptor:
 *
 *	alloc ORDER	take 2^ORDER pages; reply "handle H order K offset P"
 *	free H		give the block of handle H back; reply "freed H"
 *	validate	run the zone's validator; reply "ok"
 *
 * A misc device rather than a debugfs file: the reply belongs to the file
 * descriptor that asked, so two shells driving the module at once never read
 * each other's answers, and the node is root-only (0600) even where debugfs
 * is open to all (CONFIG_DEBUG_FS_ALLOW_ALL).  Errors are the errno of the
 * write() and one line in dmesg.
 *
 * Handles are indices into a bounded table, so user space never sees a
 * kernel pointer; every block still held by a handle is freed at rmmod.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "buddy.h"
#include "control.h"

#define TOY_CTL_MAX_HANDLES	1024
#define TOY_CTL_REPLY_LEN	128

struct toy_handle {
	void *addr;
	unsigned int order;
};

struct toy_ctl_reply {
	size_t len;
	char buf[TOY_CTL_REPLY_LEN];
};

static struct toy_zone *toy_ctl_zone;
static DEFINE_MUTEX(toy_ctl_mutex);	/* protects toy_ctl_handles */
static struct toy_handle toy_ctl_handles[TOY_CTL_MAX_HANDLES];

/**
 * toy_ctl_parse() - split a command line into its verb and arguments
 * @line: a NUL-terminated line; modified in place
 * @cmd: the result
 *
 * The verb must be one of the known commands and carry exactly the number
 * of unsigned decimal arguments it takes.
 *
 * Return: 0, or -EINVAL for anything malformed.
 */
int toy_ctl_parse(char *line, struct toy_ctl_cmd *cmd)
{
	static const struct {
		const char *name;
		enum toy_ctl_verb verb;
		unsigned int nr_args;
	} verbs[] = {
		{ "alloc", TOY_CTL_ALLOC, 1 },
		{ "free", TOY_CTL_FREE, 1 },
		{ "validate", TOY_CTL_VALIDATE, 0 },
	};
	char *word, *rest = strim(line);
	unsigned int i, n = 0;

	word = strsep(&rest, " \t");
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (word && !strcmp(word, verbs[i].name))
			break;
	if (i == ARRAY_SIZE(verbs))
		return -EINVAL;
	cmd->verb = verbs[i].verb;
	while ((word = strsep(&rest, " \t"))) {
		if (!*word)
			continue;
		if (n == verbs[i].nr_args || n == ARRAY_SIZE(cmd->args) ||
		    kstrtouint(word, 10, &cmd->args[n]))
			return -EINVAL;
		n++;
	}
	return n == verbs[i].nr_args ? 0 : -EINVAL;
}

static int toy_ctl_alloc(unsigned int order, struct toy_ctl_reply *reply)
{
	unsigned int h;
	void *addr;

	for (h = 0; h < TOY_CTL_MAX_HANDLES; h++)
		if (!toy_ctl_handles[h].addr)
			break;
	if (h == TOY_CTL_MAX_HANDLES) {
		pr_err("control: all %d handles in use\n", TOY_CTL_MAX_HANDLES);
		return -ENOSPC;
	}
	addr = toy_zone_alloc(toy_ctl_zone, order);
	if (!addr)
		return -ENOMEM;
	toy_ctl_handles[h].addr = addr;
	toy_ctl_handles[h].order = order;
	reply->len = scnprintf(reply->buf, sizeof(reply->buf),
			       "handle %u order %u offset %ld\n", h, order,
			       toy_zone_page_index(toy_ctl_zone, addr));
	return 0;
}

static int toy_ctl_free(unsigned int h, struct toy_ctl_reply *reply)
{
	int ret;

	if (h >= TOY_CTL_MAX_HANDLES || !toy_ctl_handles[h].addr) {
		pr_err("control: no handle %u\n", h);
		return -ENOENT;
	}
	ret = toy_zone_free(toy_ctl_zone, toy_ctl_handles[h].addr,
			    toy_ctl_handles[h].order);
	if (ret)
		return ret;
	toy_ctl_handles[h].addr = NULL;
	reply->len = scnprintf(reply->buf, sizeof(reply->buf), "freed %u\n", h);
	return 0;
}

static int toy_ctl_execute(const struct toy_ctl_cmd *cmd,
			   struct toy_ctl_reply *reply)
{
	int ret;

	switch (cmd->verb) {
	case TOY_CTL_ALLOC:
		if (cmd->args[0] > TOY_MAX_ORDER) {
			pr_err("control: order %u out of range 0..%d\n",
			       cmd->args[0], TOY_MAX_ORDER);
			return -EINVAL;
		}
		return toy_ctl_alloc(cmd->args[0], reply);
	case TOY_CTL_FREE:
		return toy_ctl_free(cmd->args[0], reply);
	case TOY_CTL_VALIDATE:
		ret = toy_zone_validate(toy_ctl_zone);
		if (!ret)
			reply->len = scnprintf(reply->buf, sizeof(reply->buf), "ok\n");
		return ret;
	}
	return -EINVAL;
}

static ssize_t toy_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct toy_ctl_reply *reply = file->private_data;
	struct toy_ctl_cmd cmd = { 0 };
	char line[TOY_CTL_LINE_MAX];
	int ret;

	if (count >= sizeof(line)) {
		pr_err("control: command longer than %zu bytes\n", sizeof(line) - 1);
		return -EINVAL;
	}
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	if (toy_ctl_parse(line, &cmd)) {
		pr_err("control: malformed command\n");
		return -EINVAL;
	}

	mutex_lock(&toy_ctl_mutex);
	reply->len = 0;
	ret = toy_ctl_execute(&cmd, reply);
	mutex_unlock(&toy_ctl_mutex);
	return ret ? ret : count;
}

static ssize_t toy_ctl_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct toy_ctl_reply *reply = file->private_data;
	ssize_t ret;

	mutex_lock(&toy_ctl_mutex);
	ret = simple_read_from_buffer(ubuf, count, ppos, reply->buf, reply->len);
	reply->len = 0;
	*ppos = 0;
	mutex_unlock(&toy_ctl_mutex);
	return ret;
}

static int toy_ctl_open(struct inode *inode, struct file *file)
{
	struct toy_ctl_reply *reply = kzalloc(sizeof(*reply), GFP_KERNEL);

	file->private_data = reply;
	return reply ? 0 : -ENOMEM;
}

static int toy_ctl_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations toy_ctl_fops = {
	.owner = THIS_MODULE,
	.open = toy_ctl_open,
	.release = toy_ctl_release,
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

/**
 * toy_control_init() - register /dev/toyalloc over a zone
 * @zone: the zone the commands act on
 *
 * Return: 0 or the errno of misc_register().
 */
int toy_control_init(struct toy_zone *zone)
{
	toy_ctl_zone = zone;
	return misc_register(&toy_ctl_dev);
}

/**
 * toy_control_exit() - unregister /dev/toyalloc and free every handle
 */
void toy_control_exit(void)
{
	unsigned int h;

	misc_deregister(&toy_ctl_dev);
	for (h = 0; h < TOY_CTL_MAX_HANDLES; h++)
		if (toy_ctl_handles[h].addr)
			toy_zone_free(toy_ctl_zone, toy_ctl_handles[h].addr,
				      toy_ctl_handles[h].order);
	memset(toy_ctl_handles, 0, sizeof(toy_ctl_handles));
}
