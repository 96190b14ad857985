/*
 * Checksum offload and segmentation offload over bytes: finding the TCP/UDP header of a frame
 * (Ethernet, up to two VLAN tags, IPv4 or IPv6 with its extension headers, RFC 8200), completing
 * a partial L4 checksum (the field holds the pseudo-header sum, as a virtio/Linux
 * CHECKSUM_PARTIAL sender leaves it; RFC 1071 over the rest), and writing the headers of segment
 * i of a TCP (RFC 9293) or UDP GSO frame cut at a given MSS: IPv4 total length, identification
 * and header checksum (RFC 791), IPv6 payload length, TCP sequence number and flags (FIN and PSH
 * on the last segment only, CWR on the first only, as RFC 3168 section 6.1.2 wants), UDP
 * length. Pure functions: no DPDK, no globals; the engine's offload code drives them over mbufs.
 */
#ifndef DSE_NET_GSO_H
#define DSE_NET_GSO_H

#include <stdbool.h>
#include <stdint.h>

/* Where a frame's L4 header is and what surrounds it, filled by net_gso_locate(). */
struct net_gso_hdr {
	uint16_t l2_len;   /* Ethernet header and VLAN tags */
	uint16_t l3_len;   /* IPv4 header with options, or IPv6 header with extension headers */
	uint16_t l4_len;   /* TCP header with options, or the UDP header */
	uint8_t l4_proto;  /* NET_IPPROTO_TCP or NET_IPPROTO_UDP */
	bool ipv6;         /* IPv6 (else IPv4) */
	uint32_t l4_total; /* L4 header plus payload as the IP header says */
};

/* Why net_gso_locate() refused a frame. */
enum net_gso_locate_result {
	NET_GSO_OK,
	NET_GSO_NOT_L4,    /* not TCP or UDP over an unfragmented IPv4/IPv6 packet */
	NET_GSO_TRUNCATED, /* a header runs past the readable bytes or the IP length */
};

/*
 * Finds the TCP/UDP header of the frame at frame, of which avail bytes are readable (the
 * headers must lie within them; the payload may continue beyond, up to the IP length). Fills
 * *h. Never reads past avail.
 */
enum net_gso_locate_result net_gso_locate(const uint8_t *frame, uint32_t avail,
                                          struct net_gso_hdr *h);

/* Bytes of the checksummed L4 part: header plus payload. */
static inline uint32_t
net_gso_payload_len(const struct net_gso_hdr *h)
{
	return h->l4_total - h->l4_len;
}

/* Number of segments a payload of payload_len bytes makes at mss bytes each (at least 1). */
static inline uint32_t
net_gso_nb_segments(uint32_t payload_len, uint32_t mss)
{
	return payload_len <= mss ? 1 : (payload_len + mss - 1) / mss;
}

/* Offset of the L4 checksum field from the L4 header. */
uint16_t net_gso_csum_offset(const struct net_gso_hdr *h);

/*
 * Adds to the running sum the len bytes at data that sit at byte position pos of the summed
 * message (pos odd: the bytes are summed shifted by one, RFC 1071 section 2). Lets a message be
 * summed in pieces of any length, e.g. over a chain of buffers.
 */
uint32_t net_checksum_piece(const uint8_t *data, uint32_t len, uint32_t pos, uint32_t sum);

/*
 * Completes the partial checksum of the L4 part of a contiguous frame located by h: its
 * checksum field holds the pseudo-header sum; the folded one's complement sum of the L4 header
 * and payload replaces it (0xffff for a UDP result of 0). frame must hold l2_len + l3_len +
 * l4_total bytes.
 */
void net_gso_complete_checksum(uint8_t *frame, const struct net_gso_hdr *h);

/*
 * Writes into hdr (a copy of the original frame's l2_len + l3_len + l4_len header bytes) the
 * headers of segment index of nb_segs, carrying payload_len payload bytes that started at
 * payload_offset in the original payload: IP lengths, IPv4 identification + index and header
 * checksum, TCP sequence + payload_offset and flags, UDP length. The L4 checksum field is set
 * to the pseudo-header sum (a partial checksum): complete it with net_checksum_piece() over the
 * L4 header and payload, or leave it for a device. Returns that pseudo-header sum, folded.
 */
uint16_t net_gso_write_segment_header(uint8_t *hdr, const struct net_gso_hdr *h, uint32_t index,
                                      uint32_t nb_segs, uint32_t payload_offset,
                                      uint32_t payload_len);

/*
 * Returns the pseudo-header sum (folded, not complemented) of the L4 part of the frame at frame
 * for an L4 length of l4_len bytes: what a partial checksum field holds.
 */
uint16_t net_gso_pseudo_sum(const uint8_t *frame, const struct net_gso_hdr *h, uint32_t l4_len);

#endif /* DSE_NET_GSO_H */
