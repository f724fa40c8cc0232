/* TFTP packets (RFC 1350) with the blksize, tsize and windowsize options
 * (RFC 2347, 2348, 2349, 7440), pure. */
#ifndef KL_TFTP_H
#define KL_TFTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tftp_op { TFTP_RRQ = 1, TFTP_WRQ, TFTP_DATA, TFTP_ACK, TFTP_ERROR, TFTP_OACK };

#define TFTP_MAX_BLKSIZE 65464

struct tftp_pkt {
	enum tftp_op op;
	unsigned block;       /* DATA, ACK */
	const uint8_t *data;  /* DATA: points into the packet */
	size_t len;
	unsigned code;        /* ERROR */
	char msg[128];        /* ERROR: the server's text, printable only */
	/* OACK: what the server accepted; 0 / -1 when it left an option out */
	unsigned blksize, windowsize;
	long long tsize;
};

/* A read request for file in octet mode asking for these options (0: do not ask). */
size_t tftp_rrq(uint8_t *buf, size_t cap, const char *file, unsigned blksize, unsigned windowsize,
		bool tsize);
size_t tftp_ack(uint8_t *buf, size_t cap, unsigned block);
size_t tftp_error(uint8_t *buf, size_t cap, unsigned code, const char *msg);
/* 0, or -1 for a packet that is not well formed (or an option out of range). */
int tftp_parse(const uint8_t *buf, size_t len, struct tftp_pkt *p);
/* RFC 1350's words for an error code, for messages. */
const char *tftp_error_text(unsigned code);

#endif
