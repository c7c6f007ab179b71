/* t_ingest_detect.c - the channel told from the first bytes of a file. */
#include "check.h"
#include "ingest_detect.h"

#define D(lit) ingest_detect_buf(lit, sizeof(lit) - 1)

int main(void)
{
	CHECK_INT(D("20/11/2026;10-15-00;8647;0012;S-1;7201000123;x;y;112026;1,00;0,00;\n"), CH_SBERBANK,
		  "a dd/mm/yyyy line is sberbank");
	CHECK_INT(D("=0;0,00;0,00;1;21/11/2026\n"), CH_SBERBANK, "a lone trailer is sberbank");
	CHECK_INT(D("<?xml version=\"1.0\"?>\n<Registry/>"), CH_GAZPROMBANK, "XML is gazprombank");
	CHECK_INT(D("\xEF\xBB\xBF\n  <Registry/>"), CH_GAZPROMBANK, "BOM and blank lines skipped");
	CHECK_INT(D("txn_id,datetime,terminal_id,account,amount,period\r\n"), CH_QIWI, "qiwi header");
	CHECK_INT(D("txn_id;paid_at;account;sum;period;source\n"), CH_PAYMENTS, "payments header");
	CHECK_INT(D("account;meter;zone;value;taken_on;source\n"), CH_PORTAL, "portal header");
	CHECK_INT(D("notice_id;status;at;evidence\n"), CH_DELIVERY, "delivery header");
	CHECK_INT(D("received_at;phone;text\n"), CH_SMS, "sms header");
	CHECK_INT(D("2026-11-18T09:15:02+05:00;+79123456789;7201000123 4521\n"), CH_SMS,
		  "an SMS line without header");
	CHECK_INT(D("hello;world\n"), CH_NONE, "anything else is unknown");
	CHECK_INT(D("   \n\n"), CH_NONE, "blank content is unknown");
	CHECK_INT(ingest_channel_parse("qiwi"), CH_QIWI, "channel by name");
	CHECK_INT(ingest_channel_parse("visa"), CH_NONE, "unknown name");
	CHECK_STR(ingest_channel_name(CH_GAZPROMBANK), "gazprombank", "name of a channel");
	return check_done();
}
