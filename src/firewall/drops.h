/*
 * Why the firewall drops a packet: its rows of the engine's drop table (core/drop.h), declared
 * once here and collected by the build in the order of the service list.
 */
#ifndef DSE_FIREWALL_DROPS_H
#define DSE_FIREWALL_DROPS_H

/* X(enum suffix, node, reason name, what it means) */
#define DSE_DROPS_FIREWALL(X)                                                                      \
	X(FW_RULE_DROP, "dse-firewall", "fw-rule-drop", "a firewall rule or default dropped it")   \
	X(FW_RULE_REJECT, "dse-firewall", "fw-rule-reject",                                        \
	  "a firewall rule rejected it and no answer could be built")                              \
	X(CT_TABLE_FULL, "dse-firewall", "ct-table-full",                                          \
	  "new connection while the connection table is full")                                     \
	X(CT_TCP_NO_CONNECTION, "dse-firewall", "ct-tcp-no-connection",                            \
	  "TCP segment other than a SYN for no tracked connection")                                \
	X(CT_TCP_SYNACK_NO_SYN, "dse-firewall", "ct-tcp-synack-without-syn",                       \
	  "SYN-ACK for no tracked connection")                                                     \
	X(CT_TCP_INVALID_FLAGS, "dse-firewall", "ct-tcp-invalid-flags",                            \
	  "TCP flag combination that is never valid")                                              \
	X(CT_TCP_OUT_OF_WINDOW, "dse-firewall", "ct-tcp-out-of-window",                            \
	  "TCP sequence or acknowledgement outside the window")                                    \
	X(CT_TCP_BAD_RST, "dse-firewall", "ct-tcp-bad-rst", "TCP reset outside the window")        \
	X(CT_UNEXPECTED, "dse-firewall", "ct-unexpected",                                          \
	  "packet not valid in its connection's state")                                            \
	X(CT_ICMP_NO_REQUEST, "dse-firewall", "ct-icmp-reply-without-request",                     \
	  "ICMP echo reply for no tracked request")                                                \
	X(CT_ICMP_ERROR_UNKNOWN, "dse-firewall", "ct-icmp-error-unknown",                          \
	  "ICMP error quoting no tracked connection")

#endif
