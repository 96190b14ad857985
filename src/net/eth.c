/*
 * Text form of MAC addresses: the canonical colon-separated lower-case hex used everywhere a
 * person or a config file sees an address. Parsing is strict so a typo in a config is reported
 * instead of silently becoming another address.
 */
#include <errno.h>

#include "net/eth.h"

static const char net_hex_digits[] = "0123456789abcdef";

/* Returns the value of one hex digit, or -1 if c is not one. */
static int
net_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
net_mac_format(const uint8_t *mac, char *text, size_t size)
{
	if (size < NET_MAC_STRING_SIZE)
		return -ENOSPC;
	for (int i = 0; i < NET_MAC_LEN; i++) {
		text[i * 3] = net_hex_digits[mac[i] >> 4];
		text[i * 3 + 1] = net_hex_digits[mac[i] & 0x0f];
		text[i * 3 + 2] = i == NET_MAC_LEN - 1 ? '\0' : ':';
	}
	return 0;
}

int
net_mac_parse(const char *text, uint8_t *mac)
{
	uint8_t bytes[NET_MAC_LEN];

	if (text == NULL)
		return -EINVAL;
	for (int i = 0; i < NET_MAC_LEN; i++) {
		const char *pair = text + i * 3;
		int high, low;

		/* Check each character before reading the next so a short string stops at its NUL.
		 */
		high = net_hex_value(pair[0]);
		if (high < 0)
			return -EINVAL;
		low = net_hex_value(pair[1]);
		if (low < 0)
			return -EINVAL;
		if (pair[2] != (i == NET_MAC_LEN - 1 ? '\0' : ':'))
			return -EINVAL;
		bytes[i] = (uint8_t)(high << 4 | low);
	}
	memcpy(mac, bytes, NET_MAC_LEN);
	return 0;
}
