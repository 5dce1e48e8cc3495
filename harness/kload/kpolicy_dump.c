/*
 * The kernel's debug dump of an error exit, as real loaders get it: the policy's
 * UEI_DEFINE(uei) has a `uei_dump` buffer in its own .data section and a `uei_dump_len`
 * rodata that says how much of the kernel's dump UEI_RECORD() copies there. Before load the
 * buffer is sized to the kernel's default dump length (ops.exit_dump_len 0: 32 KiB, what the
 * kernel uses) and the length set to match, as the scx loaders' UEI_SET_SIZE does; after load
 * the kernel's copy of the buffer is mapped read-only so the text can be read after an exit.
 */
#include "harness/kload/kpolicy.h"

#include <bpf/libbpf.h>

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int set_u32(void *at, size_t size, uint32_t v)
{
	if (size != sizeof(v))
		return -1;
	memcpy(at, &v, sizeof(v));
	return 0;
}

void kpolicy_dump__prepare(struct kpolicy *kp)
{
	struct bpf_map *in;
	size_t size = 0, elem = 0, off = 0, len_size = 0;
	void *len = kobj__find_var(kp->obj, "uei_dump_len", &len_size, NULL);

	if (!len || !kobj__find_var_in(kp->obj, "uei_dump", &size, &elem, &in, &off))
		return;
	/* a buffer alone in its section (a RESIZABLE_ARRAY, as in scx's headers) is grown to the default */
	if (size < KPOLICY_DUMP_LEN && off == 0 && (size_t)bpf_map__value_size(in) == size &&
	    !bpf_map__set_value_size(in, KPOLICY_DUMP_LEN))
		size = KPOLICY_DUMP_LEN;
	set_u32(len, len_size, (uint32_t)size);
}

void kpolicy_dump__map(struct kpolicy *kp)
{
	struct bpf_map *in;
	size_t size = 0, off = 0;
	long page = sysconf(_SC_PAGESIZE);

	if (!kobj__find_var_in(kp->obj, "uei_dump", &size, NULL, &in, &off) || !size)
		return;
	kp->dump_map_len = ((size_t)bpf_map__value_size(in) + (size_t)page - 1) & ~((size_t)page - 1);
	kp->dump_map = mmap(NULL, kp->dump_map_len, PROT_READ, MAP_SHARED, bpf_map__fd(in), 0);
	if (kp->dump_map == MAP_FAILED) {
		kp->dump_map = NULL;
		return;
	}
	kp->dump = (const char *)kp->dump_map + off;
	kp->dump_size = size;
}

size_t kpolicy__dump(const struct kpolicy *kp, char *out, size_t len)
{
	size_t n = 0;

	if (!len)
		return 0;
	if (kp->dump)
		while (n + 1 < len && n < kp->dump_size && kp->dump[n])
			n++;
	if (n)
		memcpy(out, kp->dump, n);
	out[n] = 0;
	return n;
}

void kpolicy_dump__unmap(struct kpolicy *kp)
{
	if (kp->dump_map)
		munmap(kp->dump_map, kp->dump_map_len);
	kp->dump_map = NULL;
	kp->dump = NULL;
	kp->dump_size = 0;
}
