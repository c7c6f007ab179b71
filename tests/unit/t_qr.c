/* t_qr.c - GOST R 56042-2014 payloads: order, Sum in kopecks, no trailing
 * separator, the 300-byte mandatory block, "|" refused. */
#include "check.h"
#include "qr.h"

#include <string.h>

static void sample(struct qr_payment *p)
{
	memset(p, 0, sizeof(*p));
	p->name = "АО «Газпром энергосбыт Тюмень»";
	p->personal_acc = "40702810667100012345";
	p->bank_name = "ПАО «ОБРАЗЕЦ-БАНК»";
	p->bic = "047102777";
	p->corresp_acc = "30101810700000000777";
	p->payee_inn = "7203001235";
	p->kpp = "720301001";
	p->pers_acc = "7201000123";
	p->paym_period = QR_NO_PERIOD;
}

int main(void)
{
	struct qr_payment p;
	struct sbyt_err e;
	char buf[QR_BUF], name[400];
	int n;

	/* A full household payload: 1234.56 roubles is Sum=123456 (kopecks),
	 * period 2026-11 is PaymPeriod=112026; mandatory fields first in the
	 * standard's order, then PayeeINN, KPP, PersAcc, Sum, PaymPeriod. */
	sample(&p);
	p.sum = 123456;
	p.paym_period = period_from_ym(2026, 11);
	n = qr_payload(&p, buf, sizeof(buf), &e);
	CHECK_STR(buf,
		  "ST00012|Name=АО «Газпром энергосбыт Тюмень»|PersonalAcc=40702810667100012345"
		  "|BankName=ПАО «ОБРАЗЕЦ-БАНК»|BIC=047102777|CorrespAcc=30101810700000000777"
		  "|PayeeINN=7203001235|KPP=720301001|PersAcc=7201000123|Sum=123456"
		  "|PaymPeriod=112026",
		  "payload: header, mandatory block in order, then the additional fields");
	CHECK_INT(n, (long long)strlen(buf), "the returned length is the payload's byte length");
	CHECK(buf[n - 1] != '|', "no trailing separator");
	CHECK(strncmp(buf, "ST00012|Name=", 13) == 0, "ST0001 version, flag 2 (UTF-8), then Name");

	/* Sum of 5 kopecks is "5", not "0.05"; nothing due leaves Sum out. */
	p.sum = 5;
	qr_payload(&p, buf, sizeof(buf), &e);
	CHECK(strstr(buf, "|Sum=5|PaymPeriod=112026") != NULL, "Sum is whole kopecks");
	p.sum = 0;
	qr_payload(&p, buf, sizeof(buf), &e);
	CHECK(strstr(buf, "Sum=") == NULL, "Sum left out when nothing is due");
	p.sum = -100;
	qr_payload(&p, buf, sizeof(buf), &e);
	CHECK(strstr(buf, "Sum=") == NULL, "Sum left out when the account is in credit");

	/* Only the mandatory block: it ends with CorrespAcc's value. */
	sample(&p);
	p.payee_inn = p.kpp = p.pers_acc = NULL;
	qr_payload(&p, buf, sizeof(buf), &e);
	CHECK_STR(buf,
		  "ST00012|Name=АО «Газпром энергосбыт Тюмень»|PersonalAcc=40702810667100012345"
		  "|BankName=ПАО «ОБРАЗЕЦ-БАНК»|BIC=047102777|CorrespAcc=30101810700000000777",
		  "mandatory block alone, no trailing separator");

	/* A value with "|" is refused. */
	sample(&p);
	p.purpose = "оплата|электроэнергии";
	CHECK_INT(qr_payload(&p, buf, sizeof(buf), &e), -1, "a '|' in a value is refused");
	CHECK_INT(e.kind, ERR_DATA, "... as a data error");
	CHECK(strstr(e.msg, "Purpose") != NULL, "... naming the requisite");
	sample(&p);
	p.name = "ООО\nРога";
	CHECK_INT(qr_payload(&p, buf, sizeof(buf), &e), -1, "a control character is refused");

	/* Missing and malformed mandatory fields. */
	sample(&p);
	p.bic = "";
	CHECK_INT(qr_payload(&p, buf, sizeof(buf), &e), -1, "BIC is mandatory");
	sample(&p);
	p.personal_acc = "4070281066710001234";
	CHECK_INT(qr_payload(&p, buf, sizeof(buf), &e), -1, "PersonalAcc must be 20 digits");

	/* The 300-byte mandatory block.  Fixed bytes: "ST00012" 7 + "|Name=" 6 +
	 * "|PersonalAcc=" 13 + 20 + "|BankName=" 10 + "|BIC=" 5 + 9 +
	 * "|CorrespAcc=" 12 + 20 = 102, plus the bank name "BANK" 4 = 106; so
	 * a Latin name of 300 - 106 = 194 bytes fits exactly, 195 does not.  But
	 * Name is also limited to 160 characters: a 160-letter Latin name
	 * (266 bytes) passes, 161 letters fail on the character limit; a
	 * Cyrillic name of 97 letters (194 bytes) fits the 300 bytes, 98 (196)
	 * does not. */
	sample(&p);
	p.bank_name = "BANK";
	memset(name, 'A', 160);
	name[160] = '\0';
	p.name = name;
	n = qr_payload(&p, buf, sizeof(buf), &e);
	CHECK(n > 0, "a 160-character Latin name passes");
	name[160] = 'A';
	name[161] = '\0';
	CHECK_INT(qr_payload(&p, buf, sizeof(buf), &e), -1, "a 161-character name is refused");
	{
		char cyr[400];
		size_t k = 0;

		for (int i = 0; i < 97; i++) {
			memcpy(cyr + k, "Ж", 2);
			k += 2;
		}
		cyr[k] = '\0';
		p.name = cyr;
		p.payee_inn = p.kpp = p.pers_acc = NULL;
		n = qr_payload(&p, buf, sizeof(buf), &e);
		CHECK_INT(n, 300, "a 97-letter Cyrillic name makes a 300-byte mandatory block");
		memcpy(cyr + k, "Ж", 3);  /* "Ж" and its NUL: 98 letters */
		CHECK_INT(qr_payload(&p, buf, sizeof(buf), &e), -1, "301+ bytes are refused");
		CHECK(strstr(e.msg, "300") != NULL, "... saying the limit");
	}

	/* From the shipped supplier requisites. */
	{
		struct supplier s;

		memset(&s, 0, sizeof(s));
		strcpy(s.name, "АО «Газпром энергосбыт Тюмень»");
		strcpy(s.account, "40702810667100012345");
		strcpy(s.bank_name, "ПАО «ОБРАЗЕЦ-БАНК»");
		strcpy(s.bic, "047102777");
		strcpy(s.corr_account, "30101810700000000777");
		strcpy(s.inn, "7203001235");
		strcpy(s.kpp, "720301001");
		qr_payment_init(&p, &s);
		p.pers_acc = "7201000123";
		p.sum = 99000;
		p.paym_period = period_from_ym(2026, 4);
		qr_payload(&p, buf, sizeof(buf), &e);
		CHECK(strstr(buf, "|PayeeINN=7203001235|KPP=720301001|PersAcc=7201000123|Sum=99000"
				  "|PaymPeriod=042026") != NULL,
		      "qr_payment_init takes the supplier's requisites");
	}

	/* A buffer too small is an error, not a truncated payload. */
	sample(&p);
	CHECK_INT(qr_payload(&p, buf, 50, &e), -1, "a short buffer is refused");

	/* The payee's part made once (the documents of a run): the payload
	 * from it is the same text; a bad payee fails there; a payer part
	 * with a '|' fails as in qr_payload(). */
	{
		char payee[512], whole[QR_BUF];
		sample(&p);
		p.sum = 123456;
		p.paym_period = period_from_ym(2026, 11);
		p.last_name = "Иванов";
		p.payer_address = "г. Тюмень, ул. Широтная, д. 44";
		n = qr_payee(&p, payee, sizeof(payee), &e);
		CHECK_STR(payee,
			  "ST00012|Name=АО «Газпром энергосбыт Тюмень»|PersonalAcc=40702810667100012345"
			  "|BankName=ПАО «ОБРАЗЕЦ-БАНК»|BIC=047102777|CorrespAcc=30101810700000000777"
			  "|PayeeINN=7203001235|KPP=720301001",
			  "the payee's part: service, mandatory block, PayeeINN, KPP");
		CHECK_INT(n, (long long)strlen(payee), "its length");
		qr_payload(&p, whole, sizeof(whole), &e);
		n = qr_payload_from(payee, &p, buf, sizeof(buf), &e);
		CHECK_STR(buf, whole, "the payload from the payee's part is qr_payload()'s");
		CHECK_INT(n, (long long)strlen(whole), "and its length");
		p.payer_address = "д. 1 | кв. 2";
		CHECK_INT(qr_payload_from(payee, &p, buf, sizeof(buf), &e), -1,
			  "a '|' in the payer's part is refused");
		p.bic = "04710277";
		CHECK_INT(qr_payee(&p, payee, sizeof(payee), &e), -1, "a BIC of 8 digits: the payee refused");
		sample(&p);
		CHECK_INT(qr_payee(&p, payee, 40, &e), -1, "a short buffer for the payee is refused");
	}
	return check_done();
}
