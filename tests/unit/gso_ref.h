/*
 * Test helpers for checksum and segmentation offload: a generator of random TCP/UDP frames
 * (zero to two VLAN tags, IPv4 with options or IPv6 with extension headers, TCP options, any
 * payload length) and a reference written straight from the RFCs, independent of src/net: the
 * RFC 1071 sum over 16-bit words, pseudo-headers built as bytes (RFC 793, RFC 8200 section
 * 8.1), and the segments a GSO frame must become.
 */
#ifndef DSE_TESTS_GSO_REF_H
#define DSE_TESTS_GSO_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REF_MAX_FRAME 70000

/* What the generator made. */
struct ref_frame {
	uint8_t bytes[REF_MAX_FRAME]; /* the frame */
	uint32_t len;                 /* its length */
	uint32_t l3;                  /* offset of the IP header */
	uint32_t l4;                  /* offset of the TCP/UDP header */
	uint32_t payload;             /* offset of the payload */
	bool v6;                      /* IPv6 */
	bool tcp;                     /* TCP (else UDP) */
};

static uint32_t ref_seed = 12345;

/* A small deterministic generator (xorshift), so a failure repeats. */
static inline uint32_t
ref_rand(void)
{
	ref_seed ^= ref_seed << 13;
	ref_seed ^= ref_seed >> 17;
	ref_seed ^= ref_seed << 5;
	return ref_seed;
}

static inline void
ref_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t
ref_get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t
ref_get32(const uint8_t *p)
{
	return ref_get16(p) << 16 | ref_get16(p + 2);
}

/* RFC 1071: sum of 16-bit big-endian words, an odd last byte padded with zero, folded. */
static inline uint32_t
ref_sum(const uint8_t *b, uint32_t n, uint32_t s)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		s += ref_get16(b + i);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The pseudo-header of the L4 part of f for an L4 length l4_len, summed. */
static inline uint32_t
ref_pseudo(const struct ref_frame *f, const uint8_t *frame, uint32_t l4_len)
{
	uint8_t ph[40];
	const uint8_t *ip = frame + f->l3;
	uint8_t proto = f->tcp ? 6 : 17;
	if (f->v6) {
		memcpy(ph, ip + 8, 32);
		uint8_t tail[8] = {(uint8_t)(l4_len >> 24),
		                   (uint8_t)(l4_len >> 16),
		                   (uint8_t)(l4_len >> 8),
		                   (uint8_t)l4_len,
		                   0,
		                   0,
		                   0,
		                   proto};
		return ref_sum(tail, 8, ref_sum(ph, 32, 0));
	}
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = proto;
	ref_put16(ph + 10, l4_len);
	return ref_sum(ph, 12, 0);
}

/* Offset of the L4 checksum field. */
static inline uint32_t
ref_csum_off(const struct ref_frame *f)
{
	return f->l4 + (f->tcp ? 16 : 6);
}

/* The complete L4 checksum of frame (laid out as f) of l4_len bytes, field taken as zero. */
static inline uint16_t
ref_l4_checksum(const struct ref_frame *f, const uint8_t *frame, uint32_t l4_len)
{
	uint8_t saved[2];
	uint8_t *field = (uint8_t *)frame + ref_csum_off(f);
	memcpy(saved, field, 2);
	memset(field, 0, 2);
	uint16_t c = (uint16_t)~ref_sum(frame + f->l4, l4_len, ref_pseudo(f, frame, l4_len));
	memcpy(field, saved, 2);
	if (c == 0 && !f->tcp)
		c = 0xffff;
	return c;
}

/* Fills f with a random frame of the given kind and payload length; its L4 checksum field
 * holds the pseudo-header sum (a partial checksum). */
static inline void
ref_make(struct ref_frame *f, bool v6, bool tcp, uint32_t payload_len, unsigned tags)
{
	uint8_t *b = f->bytes;
	uint32_t o = 12;
	for (unsigned i = 0; i < 12; i++)
		b[i] = (uint8_t)ref_rand();
	b[0] &= 0xfe;
	for (unsigned t = 0; t < tags; t++) {
		ref_put16(b + o, t == 0 && tags == 2 ? 0x88a8 : 0x8100);
		ref_put16(b + o + 2, ref_rand() & 0xfff);
		o += 4;
	}
	ref_put16(b + o, v6 ? 0x86dd : 0x0800);
	o += 2;
	f->l3 = o;
	f->v6 = v6;
	f->tcp = tcp;
	uint8_t *ip = b + o;
	uint32_t l4_hdr = tcp ? 20 + 4 * (ref_rand() % 11) : 8;
	uint32_t l4_len = l4_hdr + payload_len;
	if (!v6) {
		uint32_t ihl = 5 + ref_rand() % 11;
		for (uint32_t i = 0; i < ihl * 4; i++)
			ip[i] = (uint8_t)ref_rand();
		ip[0] = (uint8_t)(0x40 | ihl);
		ref_put16(ip + 2, ihl * 4 + l4_len);
		ref_put16(ip + 6, 0x4000); /* DF, not a fragment */
		ip[9] = tcp ? 6 : 17;
		ip[10] = ip[11] = 0;
		ref_put16(ip + 10, ~ref_sum(ip, ihl * 4, 0) & 0xffff);
		o += ihl * 4;
	} else {
		for (uint32_t i = 0; i < 40; i++)
			ip[i] = (uint8_t)ref_rand();
		ip[0] = 0x60 | (ip[0] & 0x0f);
		uint8_t *next = ip + 6;
		o += 40;
		/* Up to three extension headers, hop-by-hop first when present. */
		static const uint8_t kinds[] = {0, 60, 43};
		unsigned nb = ref_rand() % 4;
		for (unsigned e = 0; e < nb; e++) {
			uint8_t kind = kinds[e];
			uint32_t elen = 8 * (1 + ref_rand() % 3);
			*next = kind;
			for (uint32_t i = 0; i < elen; i++)
				b[o + i] = (uint8_t)ref_rand();
			b[o + 1] = (uint8_t)(elen / 8 - 1);
			if (kind == 43)
				b[o + 3] = 0; /* segments left 0: the destination stays */
			next = b + o;
			o += elen;
		}
		*next = tcp ? 6 : 17;
		ref_put16(ip + 4, o - f->l3 - 40 + l4_len);
	}
	f->l4 = o;
	uint8_t *l4 = b + o;
	for (uint32_t i = 0; i < l4_hdr; i++)
		l4[i] = (uint8_t)ref_rand();
	if (tcp) {
		l4[12] = (uint8_t)((l4_hdr / 4) << 4);
		l4[13] = 0x10 | (ref_rand() & 0xe9); /* ACK, with FIN/PSH/CWR/ECE/URG at random */
	} else {
		ref_put16(l4 + 4, l4_len);
	}
	f->payload = o + l4_hdr;
	for (uint32_t i = 0; i < payload_len; i++)
		b[f->payload + i] = (uint8_t)ref_rand();
	f->len = f->payload + payload_len;
	uint32_t ps = ref_pseudo(f, b, l4_len);
	ref_put16(b + ref_csum_off(f), ps);
}

/* Writes to out segment i of nb (mss payload bytes each) of GSO frame f, as a device must send
 * it, with a complete L4 checksum. Returns its length. */
static inline uint32_t
ref_segment(const struct ref_frame *f, uint32_t mss, uint32_t i, uint32_t nb, uint8_t *out)
{
	uint32_t total = f->len - f->payload;
	uint32_t off = i * mss;
	uint32_t len = total - off < mss ? total - off : mss;
	uint32_t hdr = f->payload;
	uint32_t l4_len = hdr - f->l4 + len;
	memcpy(out, f->bytes, hdr);
	memcpy(out + hdr, f->bytes + f->payload + off, len);
	uint8_t *ip = out + f->l3;
	if (f->v6) {
		ref_put16(ip + 4, f->l4 - f->l3 - 40 + l4_len);
	} else {
		uint32_t ihl = (ip[0] & 0xf) * 4;
		ref_put16(ip + 2, ihl + l4_len);
		ref_put16(ip + 4, (ref_get16(ip + 4) + i) & 0xffff);
		ref_put16(ip + 10, 0);
		ref_put16(ip + 10, ~ref_sum(ip, ihl, 0) & 0xffff);
	}
	uint8_t *l4 = out + f->l4;
	if (f->tcp) {
		uint32_t seq = ref_get32(l4 + 4) + off;
		l4[4] = (uint8_t)(seq >> 24);
		l4[5] = (uint8_t)(seq >> 16);
		l4[6] = (uint8_t)(seq >> 8);
		l4[7] = (uint8_t)seq;
		if (i + 1 != nb)
			l4[13] &= (uint8_t) ~(0x01 | 0x08);
		if (i != 0)
			l4[13] &= (uint8_t)~0x80;
	} else {
		ref_put16(l4 + 4, l4_len);
	}
	ref_put16(out + ref_csum_off(f), ref_l4_checksum(f, out, l4_len));
	return hdr + len;
}

#endif
