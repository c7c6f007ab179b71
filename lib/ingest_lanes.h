/*
 * ingest_lanes.h - the files of one ingest, two at a time when neither
 * can change the other's decisions.
 *
 * Each file is loaded in its own transaction (ingest_one()), and each
 * decision is taken against the database as the files before it left it.
 * Two files can only change each other's decisions when they are of the
 * same channel (a payment is a duplicate of the same source id from the
 * same channel), when both carry readings (a reading's duplicate, its
 * previous value and its consumption are per meter: sberbank, gazprombank,
 * sms and portal), or when one is of delivery confirmations or of a
 * channel not told; otherwise their rows go to different tables or, for
 * payments, under different channels.  So a file of the two channels of
 * payments alone (qiwi, payments) is loaded beside a file of another such
 * channel, of sberbank or gazprombank, sms or portal, while every other
 * file waits for the files before it, in the order given, that it could
 * touch.  A file that meets the other one's locks (their payments'
 * triggers clear the same accounts' checkpoints) and is chosen by the
 * server as a deadlock's victim is loaded again alone.  The outcome is the
 * same as loading the files one after another; only the time differs.
 */
#ifndef SBYT_INGEST_LANES_H
#define SBYT_INGEST_LANES_H

#include "error.h"
#include "infile.h"
#include "ingest.h"

#define LANES_AHEAD 16

/* One file of ingest_lanes(): set path, ch (CH_NONE: detect) and, when
 * wanted, on_reject and arg (called on the thread that loads the file, for
 * its rejected lines only); the rest is filled in.  The file is opened
 * once, when the schedule comes near it (at most LANES_AHEAD files past the
 * first not finished are open at once), and its channel told from that
 * descriptor, which the load reads too. */
struct ingest_item {
	const char *path;
	enum ingest_channel ch;
	void (*on_reject)(void *arg, const char *file, long line, const char *code,
			  const char *reason);
	void *arg;
	int rc;                    /* ingest_one()'s: 0, or -1 with err set */
	struct ingest_result res;
	struct sbyt_err err;
	/* private to ingest_lanes.c */
	int state, kind, retries;
	int opened;                /* 1: in is open, -1: opening failed (err says why) */
	struct infile in;          /* opened once, when scheduled: every reading of the
				      file is of this descriptor (infile.h) */
};

/* Load the n files of items as o says (o->db is not used: each of the at
 * most two files at once has a connection of its own, made from
 * o->conninfo; when two may run, the memory budget o->memory is shared,
 * two thirds to a file of any other channel, one third to a file of
 * payments alone, the whole to a file loaded again alone), and call done(arg, item) on the calling
 * thread for each file as it and every file before it are finished, in the
 * order of items.  A file that failed other than on its data (ERR_DATA) or
 * for want of input (ERR_NOINPUT), or a done() that returns nonzero, stops
 * the run: no file is started after it, the files running are finished and
 * reported, the others are not.  Returns 0 when every file was reported
 * and done() returned 0 for each; -1 otherwise, with e set to the first
 * failure in the order of items (a connection that could not be made, a
 * file's error, or what done() left in e). */
int ingest_lanes(const struct ingest_opts *o, struct ingest_item *items, int n,
		 int (*done)(void *arg, struct ingest_item *it, struct sbyt_err *e), void *arg,
		 struct sbyt_err *e);

#endif
