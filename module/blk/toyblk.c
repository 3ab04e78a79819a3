// SPDX-License-Identifier: GPL-2.0
/*
 * toyblk: a RAM disk whose data lives in toyalloc's pages
 *
 * /dev/toyblk0 is a block device of size_mb MiB, in the manner of the
 * kernel's brd.c, built on toyalloc's exported API only (<toyalloc.h>):
 * each 4 KiB page of the disk is a page of toyalloc's default zone, taken
 * on its first write; reading a page never written returns zeros and
 * allocates nothing.  Discard and write-zeroes give whole pages back to the
 * zone, where the buddy allocator merges them again (but a write-zeroes
 * with REQ_NOUNMAP keeps its pages: the caller wants them provisioned).  toyalloc cannot be
 * unloaded while toyblk is loaded, since toyblk uses its symbols; rmmod of
 * toyblk gives every page and index node back.
 *
 * The index.  A radix tree of fixed height maps a page number of the disk
 * to its page: each node is 64 slots of a toyalloc slab cache, toyblk-node
 * (512 bytes, shown in /proc/toyslabinfo); interior slots point to nodes,
 * leaf slots to data pages.  The height is chosen at load from the size,
 * so a lookup is one array walk of at most four steps with no height
 * checks.  Nodes stay until rmmod: they cost 8 bytes per page of the disk
 * once written (0.2%), and freeing them would make every lookup race with
 * a node free for no measurable gain.
 *
 * Concurrency.  blk-mq runs one hardware queue per CPU, so requests from
 * several CPUs reach queue_rq at once.  Lookups are lockless under RCU, and
 * so is a first write: it fills its new page, then installs it (and any
 * node missing on the way) with cmpxchg(), which publishes it, as 6.1's
 * brd does with __xa_cmpxchg(); a writer that finds its slot taken writes into the
 * winner's page and frees its own, which nobody else ever saw.  A concurrent
 * reader sees zeros or the data, never a half-written page.  Nodes stay
 * until rmmod, so walking them needs no protection.  A discard takes pages
 * out with xchg(), in batches, under the device's mutex (which serialises
 * discards and their batch), and waits for an RCU grace period before it
 * gives a batch back to the zone, so a read or write that found a page under
 * rcu_read_lock() never copies into a page another user already holds.
 *
 * queue_rq never sleeps (no BLK_MQ_F_BLOCKING): on a blocking queue blk-mq
 * sends even a synchronous queue run to kblockd and guards every dispatch
 * with SRCU.  A first write allocates
 * with GFP_NOWAIT, which takes what the lists and free areas hold; only
 * when that fails, and for discards and write-zeroes (which wait for a
 * grace period), is the request handed to a work item on toyblk's own
 * WQ_MEM_RECLAIM workqueue.  There the allocation is GFP_NOIO, which lets
 * toyalloc reclaim (drain every CPU's page lists, shrink its caches,
 * waiting on its own WQ_MEM_RECLAIM workqueue) before it fails; GFP_NOIO
 * rather than GFP_KERNEL because reclaim must not start I/O on the device
 * that asked.
 *
 * When the zone runs out even so, the worker puts the request back to blk-mq
 * to be dispatched again TOYBLK_RETRY_MS later, as a BLK_STS_RESOURCE answer
 * would (a discard elsewhere may free pages meanwhile), at most
 * TOYBLK_RESOURCE_RETRIES times; then it ends with BLK_STS_IOERR and one
 * rate-limited line in dmesg.  Sectors written before are never touched: an
 * overwrite needs no allocation, so only the failed I/O is lost.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <toyalloc.h>

#define TOYBLK_NAME		"toyblk0"
#define TOYBLK_NODE_SHIFT	6
#define TOYBLK_NODE_SLOTS	BIT(TOYBLK_NODE_SHIFT)
#define TOYBLK_NODE_MASK	(TOYBLK_NODE_SLOTS - 1)
/* 16 GiB: four levels of 64 slots index 2^24 pages. */
#define TOYBLK_MAX_MB		16384
/* Pages a discard collects before it waits for readers and frees them. */
#define TOYBLK_BATCH		512
/* Dispatches again before a write without a page fails, and their delay. */
#define TOYBLK_RESOURCE_RETRIES	3
#define TOYBLK_RETRY_MS		3
#define TOYBLK_QUEUE_DEPTH	64
/* 1.25 MiB, 6.1's BLK_DEF_MAX_SECTORS: a 1 MiB write is one request. */
#define TOYBLK_MAX_HW_SECTORS	2560
#define TOYBLK_SECTORS_PER_PAGE	(PAGE_SIZE >> SECTOR_SHIFT)

static int size_mb = 64;
module_param(size_mb, int, 0444);
MODULE_PARM_DESC(size_mb, "size of /dev/toyblk0 in MiB, 1..16384 (default 64)");

/**
 * struct toyblk_node - one node of the index
 * @slot: interior nodes: the child nodes; leaves: the data pages
 */
struct toyblk_node {
	void __rcu *slot[TOYBLK_NODE_SLOTS];
};

/**
 * struct toyblk_cmd - per-request state, blk-mq's pdu
 * @work: serves the request on toyblk's workqueue, where it may sleep
 * @retries: times this request was put back for want of a page so far
 */
struct toyblk_cmd {
	struct work_struct work;
	unsigned int retries;
};

/**
 * struct toyblk - the disk
 * @tag_set: blk-mq tag set, one hardware queue per CPU
 * @disk: the gendisk, /dev/toyblk0
 * @node_cache: the toyblk-node slab cache of the index
 * @root: the top node of the index, allocated at load
 * @top_shift: the shift of a page number that gives the root's slot
 * @nr_pages: pages of the disk
 * @wq: where requests that may sleep are served
 * @mutex: serialises discards and the use of @batch
 * @batch: pages a discard took out and frees after a grace period
 */
struct toyblk {
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	struct workqueue_struct *wq;
	struct toy_cache *node_cache;
	struct toyblk_node *root;
	unsigned int top_shift;
	pgoff_t nr_pages;
	struct mutex mutex;	/* see @mutex above */
	void *batch[TOYBLK_BATCH];
};

static struct toyblk *toyblk;

/*
 * The slot of page @idx's entry in its leaf node, or NULL when a node on the
 * way is missing.  Nodes live until rmmod, so the walk needs no lock; the
 * entry in the slot is the caller's to protect.
 */
static void __rcu **toyblk_find_slot(struct toyblk *tb, pgoff_t idx)
{
	struct toyblk_node *node = tb->root;
	unsigned int shift = tb->top_shift;

	for (; shift; shift -= TOYBLK_NODE_SHIFT) {
		node = rcu_dereference_raw(node->slot[(idx >> shift) & TOYBLK_NODE_MASK]);
		if (!node)
			return NULL;
	}
	return &node->slot[idx & TOYBLK_NODE_MASK];
}

/*
 * The page of page @idx, or NULL: lockless under rcu_read_lock(), or with
 * the mutex held, since only a discard, which holds it, takes pages out.
 */
static void *toyblk_lookup(struct toyblk *tb, pgoff_t idx)
{
	void __rcu **slot = toyblk_find_slot(tb, idx);

	return slot ? rcu_dereference_check(*slot, lockdep_is_held(&tb->mutex)) : NULL;
}

/*
 * Install @new in the empty @slot, unless another got there first: then
 * its entry.  cmpxchg() is a full barrier, so whoever finds @new also sees
 * what was written into it before.
 */
static void *toyblk_install(void __rcu **slot, void *new)
{
	return unrcu_pointer(cmpxchg(slot, NULL, RCU_INITIALIZER(new)));
}

/*
 * The leaf slot of page @idx, allocating the missing nodes on the way with
 * @gfp.  NULL when the zone has no room for a node.
 */
static void __rcu **toyblk_leaf_slot(struct toyblk *tb, pgoff_t idx, gfp_t gfp)
{
	struct toyblk_node *node = tb->root, *child, *old;
	unsigned int shift = tb->top_shift;
	void __rcu **slot;

	for (; shift; shift -= TOYBLK_NODE_SHIFT) {
		slot = &node->slot[(idx >> shift) & TOYBLK_NODE_MASK];
		child = rcu_dereference_raw(*slot);
		if (!child) {
			child = toy_cache_alloc(tb->node_cache, gfp);
			if (!child)
				return NULL;
			memset(child, 0, sizeof(*child));
			old = toyblk_install(slot, child);
			if (old) {
				/* Another writer was first: ours was never seen. */
				toy_cache_free(tb->node_cache, child);
				child = old;
			}
		}
		node = child;
	}
	return &node->slot[idx & TOYBLK_NODE_MASK];
}

/*
 * Write @len bytes at @off of page @idx that had no page: a new page, zero
 * but for the bytes written, published once it holds them.
 */
static int toyblk_write_new(struct toyblk *tb, pgoff_t idx, unsigned int off,
			    const void *src, unsigned int len, gfp_t gfp)
{
	void __rcu **slot;
	void *page, *old;

	slot = toyblk_leaf_slot(tb, idx, gfp);
	if (!slot)
		return -ENOMEM;
	page = toy_alloc_pages(gfp, 0);
	if (!page)
		return -ENOMEM;
	if (len != PAGE_SIZE)
		memset(page, 0, PAGE_SIZE);
	memcpy(page + off, src, len);

	rcu_read_lock();
	old = toyblk_install(slot, page);
	if (old)
		memcpy(old + off, src, len);
	rcu_read_unlock();
	if (old)	/* Another writer was first: ours is a spare. */
		toy_free_pages(page, 0);
	return 0;
}

/*
 * Copy @len bytes at disk byte @pos, within one page, to or from @buf; a
 * first write there takes a page with @gfp.
 */
static int toyblk_copy(struct toyblk *tb, u64 pos, void *buf, unsigned int len,
		       bool write, gfp_t gfp)
{
	pgoff_t idx = pos >> PAGE_SHIFT;
	unsigned int off = offset_in_page(pos);
	void *page;

	rcu_read_lock();
	page = toyblk_lookup(tb, idx);
	if (page) {
		if (write)
			memcpy(page + off, buf, len);
		else
			memcpy(buf, page + off, len);
	} else if (!write) {
		memset(buf, 0, len);
	}
	rcu_read_unlock();
	if (page || !write)
		return 0;
	return toyblk_write_new(tb, idx, off, buf, len, gfp);
}

/*
 * A read or a write: every segment, cut at the disk's page boundaries.  A
 * write may be served again after -ENOMEM: it writes the same bytes.
 */
static int toyblk_rw(struct toyblk *tb, struct request *rq, gfp_t gfp)
{
	bool write = req_op(rq) == REQ_OP_WRITE;
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bvec;
	unsigned int done, len;
	void *buf;
	int err = 0;

	rq_for_each_segment(bvec, rq, iter) {
		buf = kmap_local_page(bvec.bv_page) + bvec.bv_offset;
		for (done = 0; done < bvec.bv_len && !err; done += len) {
			len = min_t(unsigned int, bvec.bv_len - done,
				    PAGE_SIZE - offset_in_page(pos));
			err = toyblk_copy(tb, pos, buf + done, len, write, gfp);
			pos += len;
		}
		if (write)
			flush_dcache_page(bvec.bv_page);
		kunmap_local(buf);
		if (err)
			return err;
	}
	return 0;
}

/* Wait until no lookup can still see the batch, then give it to the zone. */
static void toyblk_free_batch(struct toyblk *tb, unsigned int n)
{
	lockdep_assert_held(&tb->mutex);
	synchronize_rcu();
	while (n)
		toy_free_pages(tb->batch[--n], 0);
}

/*
 * Take pages @first..@last (inclusive) of the subtree under @node, whose
 * slots each cover 2^@shift pages from page @base, out of the index.
 */
static unsigned int toyblk_take_range(struct toyblk *tb, struct toyblk_node *node,
				      unsigned int shift, pgoff_t base,
				      pgoff_t first, pgoff_t last, unsigned int n)
{
	unsigned int i = (first - base) >> shift;
	unsigned int end = min_t(pgoff_t, (last - base) >> shift, TOYBLK_NODE_MASK);
	pgoff_t start;
	void *entry;

	lockdep_assert_held(&tb->mutex);
	for (; i <= end; i++) {
		if (shift) {
			entry = rcu_dereference_raw(node->slot[i]);
			if (!entry)
				continue;
			start = base + ((pgoff_t)i << shift);
			n = toyblk_take_range(tb, entry, shift - TOYBLK_NODE_SHIFT,
					      start, max(first, start),
					      min(last, start + BIT(shift) - 1), n);
			continue;
		}
		/* A first write may install a page here at any moment. */
		entry = unrcu_pointer(xchg(&node->slot[i], NULL));
		if (!entry)
			continue;
		tb->batch[n++] = entry;
		if (n == TOYBLK_BATCH) {
			toyblk_free_batch(tb, n);
			n = 0;
		}
	}
	return n;
}

/* Zero @len bytes at disk byte @pos, within one page, if it has a page. */
static void toyblk_zero_part(struct toyblk *tb, u64 pos, unsigned int len)
{
	void *page;

	lockdep_assert_held(&tb->mutex);
	page = toyblk_lookup(tb, pos >> PAGE_SHIFT);
	if (page)
		memset(page + offset_in_page(pos), 0, len);
}

/*
 * Discard or write-zeroes of @bytes at sector @sector: the whole pages in
 * the range go back to the zone (they read as zeros from now on); for
 * write-zeroes the parts of pages at either end are zeroed, for a discard
 * they are left alone.  A write-zeroes with REQ_NOUNMAP is
 * toyblk_zero_provision()'s.
 */
static void toyblk_discard(struct toyblk *tb, sector_t sector, u32 bytes,
			   bool zero)
{
	u64 pos = (u64)sector << SECTOR_SHIFT, end = pos + bytes;
	pgoff_t first = DIV_ROUND_UP(pos, PAGE_SIZE);
	pgoff_t last = end >> PAGE_SHIFT;	/* exclusive */
	unsigned int n;

	mutex_lock(&tb->mutex);
	if (zero && first > last) {
		/* All of it inside one page. */
		toyblk_zero_part(tb, pos, bytes);
	} else if (zero) {
		if (offset_in_page(pos))
			toyblk_zero_part(tb, pos, PAGE_SIZE - offset_in_page(pos));
		if (offset_in_page(end))
			toyblk_zero_part(tb, end & PAGE_MASK, offset_in_page(end));
	}
	if (first < last) {
		n = toyblk_take_range(tb, tb->root, tb->top_shift, 0, first,
				      last - 1, 0);
		if (n)
			toyblk_free_batch(tb, n);
	}
	mutex_unlock(&tb->mutex);
}

/*
 * Write-zeroes with REQ_NOUNMAP (mkfs zeroing its journal, fallocate's
 * ZERO_RANGE): the range reads as zeros and keeps, or gets, its pages, so
 * that later writes there cannot fail for want of one.
 */
static int toyblk_zero_provision(struct toyblk *tb, sector_t sector, u32 bytes)
{
	u64 pos = (u64)sector << SECTOR_SHIFT, end = pos + bytes;
	void *zero = page_address(ZERO_PAGE(0));
	unsigned int len;
	int err;

	might_sleep();
	for (; pos < end; pos += len) {
		len = min_t(u64, end - pos, PAGE_SIZE - offset_in_page(pos));
		err = toyblk_copy(tb, pos, zero, len, true, GFP_NOIO);
		if (err)
			return err;
		cond_resched();
	}
	return 0;
}

/*
 * Serve, where it may sleep, a request queue_rq could not: a write the
 * zone had no page for without reclaim, a discard or a write-zeroes.
 */
static void toyblk_work(struct work_struct *work)
{
	struct toyblk_cmd *cmd = container_of(work, struct toyblk_cmd, work);
	struct request *rq = blk_mq_rq_from_pdu(cmd);
	struct toyblk *tb = rq->q->queuedata;
	int err = 0;

	switch (req_op(rq)) {
	case REQ_OP_WRITE_ZEROES:
		if (rq->cmd_flags & REQ_NOUNMAP) {
			err = toyblk_zero_provision(tb, blk_rq_pos(rq),
						    blk_rq_bytes(rq));
			break;
		}
		fallthrough;
	case REQ_OP_DISCARD:
		toyblk_discard(tb, blk_rq_pos(rq), blk_rq_bytes(rq),
			       req_op(rq) == REQ_OP_WRITE_ZEROES);
		break;
	default:
		err = toyblk_rw(tb, rq, GFP_NOIO);
		break;
	}
	/* -ENOMEM is the one error here. */
	if (err && cmd->retries < TOYBLK_RESOURCE_RETRIES) {
		/* The request is blk-mq's again once requeued: keep its queue. */
		struct request_queue *q = rq->q;

		cmd->retries++;
		blk_mq_requeue_request(rq, false);
		blk_mq_delay_kick_requeue_list(q, TOYBLK_RETRY_MS);
		return;
	}
	if (err)
		pr_err_ratelimited("%s: write of %u bytes at sector %llu failed: the toyalloc zone has no free page\n",
				   TOYBLK_NAME, blk_rq_bytes(rq),
				   (unsigned long long)blk_rq_pos(rq));
	cmd->retries = 0;
	/* Not BLK_STS_RESOURCE, which the caller would take for -ENOMEM. */
	blk_mq_end_request(rq, err ? BLK_STS_IOERR : BLK_STS_OK);
}

static blk_status_t toyblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				    const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct toyblk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct toyblk *tb = hctx->queue->queuedata;

	blk_mq_start_request(rq);
	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (toyblk_rw(tb, rq, GFP_NOWAIT) == -ENOMEM)
			break;
		cmd->retries = 0;
		blk_mq_end_request(rq, BLK_STS_OK);
		return BLK_STS_OK;
	case REQ_OP_WRITE_ZEROES:
	case REQ_OP_DISCARD:
		break;
	default:
		/* The queue advertises no other operation. */
		pr_err_ratelimited("%s: operation %s is not supported\n",
				   TOYBLK_NAME, blk_op_str(req_op(rq)));
		blk_mq_end_request(rq, BLK_STS_NOTSUPP);
		return BLK_STS_OK;
	}
	queue_work(tb->wq, &cmd->work);
	return BLK_STS_OK;
}

static int toyblk_init_request(struct blk_mq_tag_set *set, struct request *rq,
			       unsigned int hctx_idx, unsigned int numa_node)
{
	struct toyblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_WORK(&cmd->work, toyblk_work);
	cmd->retries = 0;
	return 0;
}

static const struct blk_mq_ops toyblk_mq_ops = {
	.queue_rq = toyblk_queue_rq,
	.init_request = toyblk_init_request,
};

static const struct block_device_operations toyblk_fops = {
	.owner = THIS_MODULE,
};

/* Give back every data page and node under @node (of level @shift). */
static void toyblk_free_tree(struct toyblk *tb, struct toyblk_node *node,
			     unsigned int shift)
{
	void *entry;
	unsigned int i;

	for (i = 0; i < TOYBLK_NODE_SLOTS; i++) {
		entry = rcu_dereference_protected(node->slot[i], true);
		if (!entry)
			continue;
		if (shift)
			toyblk_free_tree(tb, entry, shift - TOYBLK_NODE_SHIFT);
		else
			toy_free_pages(entry, 0);
	}
	toy_cache_free(tb->node_cache, node);
}

/*
 * The disk and its queue: pages of 4 KiB, a 1 MiB write in one request,
 * discard and write-zeroes of any length; no rotation, no entropy and (a
 * RAM disk's requests take microseconds) no clock reads for iostat.  Where
 * the queue's flags are features of its limits (6.11 on), the limits go to
 * blk_mq_alloc_disk(); before, both are set on the queue.  Kbuild tells
 * which.  (6.9 and 6.10, with the new blk_mq_alloc_disk() but the old
 * flags, are served by neither.)
 */
#ifdef TOYBLK_QUEUE_LIMITS
static struct gendisk *toyblk_alloc_disk(struct toyblk *tb)
{
	struct queue_limits lim = {
		.physical_block_size = PAGE_SIZE,
		.max_hw_sectors = TOYBLK_MAX_HW_SECTORS,
		.max_segments = USHRT_MAX,
		.max_segment_size = UINT_MAX,
		.discard_granularity = PAGE_SIZE,
		.max_hw_discard_sectors = UINT_MAX >> SECTOR_SHIFT,
		.max_write_zeroes_sectors = UINT_MAX >> SECTOR_SHIFT,
	};
	struct gendisk *disk;
	int err;

	disk = blk_mq_alloc_disk(&tb->tag_set, &lim, tb);
	if (IS_ERR(disk))
		return disk;
	/* blk_mq_alloc_disk() turns iostat on. */
	lim = queue_limits_start_update(disk->queue);
	lim.features &= ~BLK_FEAT_IO_STAT;
	err = queue_limits_commit_update(disk->queue, &lim);
	if (err) {
		put_disk(disk);
		return ERR_PTR(err);
	}
	return disk;
}
#else
static struct gendisk *toyblk_alloc_disk(struct toyblk *tb)
{
	struct request_queue *q;
	struct gendisk *disk;

	disk = blk_mq_alloc_disk(&tb->tag_set, tb);
	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_physical_block_size(q, PAGE_SIZE);
	blk_queue_max_hw_sectors(q, TOYBLK_MAX_HW_SECTORS);
	blk_queue_max_segments(q, USHRT_MAX);
	blk_queue_max_segment_size(q, UINT_MAX);
	q->limits.discard_granularity = PAGE_SIZE;
	blk_queue_max_discard_sectors(q, UINT_MAX >> SECTOR_SHIFT);
	blk_queue_max_write_zeroes_sectors(q, UINT_MAX >> SECTOR_SHIFT);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
	blk_queue_flag_clear(QUEUE_FLAG_IO_STAT, q);
	return disk;
}
#endif

static int toyblk_init_queue(struct toyblk *tb)
{
	struct blk_mq_tag_set *set = &tb->tag_set;
	int err;

	set->ops = &toyblk_mq_ops;
	set->nr_hw_queues = num_possible_cpus();
	set->queue_depth = TOYBLK_QUEUE_DEPTH;
	set->numa_node = NUMA_NO_NODE;
	set->cmd_size = sizeof(struct toyblk_cmd);
#ifdef BLK_MQ_F_SHOULD_MERGE
	/* Later kernels merge on every queue and dropped the flag. */
	set->flags = BLK_MQ_F_SHOULD_MERGE;
#endif
	err = blk_mq_alloc_tag_set(set);
	if (err)
		return err;

	tb->disk = toyblk_alloc_disk(tb);
	if (IS_ERR(tb->disk)) {
		err = PTR_ERR(tb->disk);
		blk_mq_free_tag_set(set);
		return err;
	}

	/* No major: add_disk() gives the disk a dynamic one. */
	tb->disk->fops = &toyblk_fops;
	tb->disk->private_data = tb;
	strscpy(tb->disk->disk_name, TOYBLK_NAME, DISK_NAME_LEN);
	set_capacity(tb->disk, (sector_t)tb->nr_pages * TOYBLK_SECTORS_PER_PAGE);
	return 0;
}

static void toyblk_destroy(struct toyblk *tb)
{
	if (tb->wq)
		destroy_workqueue(tb->wq);
	if (tb->root)
		toyblk_free_tree(tb, tb->root, tb->top_shift);
	if (!IS_ERR_OR_NULL(tb->node_cache))
		toy_cache_destroy(tb->node_cache);
	kfree(tb);
}

static int __init toyblk_init(void)
{
	struct toyblk *tb;
	int err;

	if (size_mb < 1 || size_mb > TOYBLK_MAX_MB) {
		pr_err("size_mb=%d is out of range 1..%d\n", size_mb, TOYBLK_MAX_MB);
		return -EINVAL;
	}
	tb = kzalloc(sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	mutex_init(&tb->mutex);
	tb->nr_pages = (pgoff_t)size_mb << (20 - PAGE_SHIFT);
	while (tb->nr_pages > BIT(tb->top_shift + TOYBLK_NODE_SHIFT))
		tb->top_shift += TOYBLK_NODE_SHIFT;

	tb->wq = alloc_workqueue("toyblk", WQ_MEM_RECLAIM, 0);
	if (!tb->wq) {
		err = -ENOMEM;
		pr_err("cannot create the toyblk workqueue: %d\n", err);
		goto out;
	}
	tb->node_cache = toy_kmem_cache_create("toyblk-node",
					       sizeof(struct toyblk_node), 0, 0,
					       NULL);
	if (IS_ERR(tb->node_cache)) {
		err = PTR_ERR(tb->node_cache);
		pr_err("cannot create the toyblk-node cache: %d\n", err);
		goto out;
	}
	tb->root = toy_cache_alloc(tb->node_cache, GFP_KERNEL);
	if (!tb->root) {
		err = -ENOMEM;
		pr_err("no room in the toyalloc zone for the index: %d\n", err);
		goto out;
	}
	memset(tb->root, 0, sizeof(*tb->root));

	err = toyblk_init_queue(tb);
	if (err) {
		pr_err("cannot set up the blk-mq queue: %d\n", err);
		goto out;
	}
	err = add_disk(tb->disk);
	if (err) {
		pr_err("cannot add %s: %d\n", TOYBLK_NAME, err);
		put_disk(tb->disk);
		blk_mq_free_tag_set(&tb->tag_set);
		goto out;
	}
	toyblk = tb;
	pr_info("%s: %d MiB in toyalloc pages, %u queues\n", TOYBLK_NAME,
		size_mb, tb->tag_set.nr_hw_queues);
	return 0;
out:
	toyblk_destroy(tb);
	return err;
}

static void __exit toyblk_exit(void)
{
	struct toyblk *tb = toyblk;

	del_gendisk(tb->disk);
	/* Every request is done, but a worker may still be kicking the queue. */
	flush_workqueue(tb->wq);
	put_disk(tb->disk);
	blk_mq_free_tag_set(&tb->tag_set);
	toyblk_destroy(tb);
}

module_init(toyblk_init);
module_exit(toyblk_exit);

MODULE_DESCRIPTION("toyblk: a RAM disk in toyalloc's pages");
MODULE_LICENSE("GPL");
