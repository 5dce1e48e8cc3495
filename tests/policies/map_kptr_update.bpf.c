/*
 * A fixture policy that updates map values holding a bpf_cpumask kptr from a stack value
 * whose kptr slot is never initialised (what scx_rusty's lb_domain_alloc() does): the kernel
 * copies a value around its kptrs and releases the kptr of the value it replaces, so the slot
 * reads NULL afterwards and a later bpf_kptr_xchg() finds nothing there. The other members
 * are copied. Results are left in globals for the test to read.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

struct masked {
	u64 before;
	struct bpf_cpumask __kptr *mask;
	u64 after;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct masked);
	__uint(max_entries, 1);
} masked_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, u32);
	__type(value, struct masked);
	__uint(max_entries, 4);
} masked_hash SEC(".maps");

/* 1 while not yet checked; each becomes 0 or 1 */
u64 array_slot_null = 2, array_xchg_empty = 2, array_members_copied = 2;
u64 hash_slot_null = 2, hash_members_copied = 2, hash_replace_slot_null = 2;

static void garbage_value(struct masked *v)
{
	v->before = 11;
	v->mask = (struct bpf_cpumask *)0xdead0000;
	v->after = 22;
}

/* Store a fresh cpumask in @slot; true if the slot was empty. */
static bool store_mask(struct bpf_cpumask **slot)
{
	struct bpf_cpumask *m = bpf_cpumask_create(), *old;

	if (!m)
		return false;
	old = bpf_kptr_xchg(slot, m);
	if (old) {
		bpf_cpumask_release(old);
		return false;
	}
	return true;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(kptr_update_init)
{
	struct masked v, *e;
	u32 key = 0;

	/* array: the element's kptr holds a mask, then the element is overwritten */
	e = bpf_map_lookup_elem(&masked_array, &key);
	if (!e || !store_mask(&e->mask))
		return -EINVAL;
	garbage_value(&v);
	if (bpf_map_update_elem(&masked_array, &key, &v, BPF_EXIST))
		return -EINVAL;
	e = bpf_map_lookup_elem(&masked_array, &key);
	if (!e)
		return -EINVAL;
	array_slot_null = !e->mask;
	array_members_copied = e->before == 11 && e->after == 22;
	array_xchg_empty = store_mask(&e->mask);

	/* hash: a new element, then a replacement of one whose kptr holds a mask */
	garbage_value(&v);
	if (bpf_map_update_elem(&masked_hash, &key, &v, BPF_NOEXIST))
		return -EINVAL;
	e = bpf_map_lookup_elem(&masked_hash, &key);
	if (!e)
		return -EINVAL;
	hash_slot_null = !e->mask;
	hash_members_copied = e->before == 11 && e->after == 22;
	if (!store_mask(&e->mask))
		return -EINVAL;
	garbage_value(&v);
	if (bpf_map_update_elem(&masked_hash, &key, &v, BPF_EXIST))
		return -EINVAL;
	e = bpf_map_lookup_elem(&masked_hash, &key);
	if (!e)
		return -EINVAL;
	hash_replace_slot_null = !e->mask;
	return 0;
}

SCX_OPS_DEFINE(kptr_update_ops,
	       .init = (void *)kptr_update_init,
	       .name = "map_kptr_update");
