/*
 * gen.c - deterministic generator of a supplier's master data, a month of
 * channel files and the appeal and call journals (SPEC 4, 5, 11), for the
 * fixtures and the benchmark.
 *
 * usage: gen --accounts N --period YYYY-MM --out DIR [--seed S] [--branches B]
 *            [--sber-lines L] [--sber-payments K] [--usage]
 *
 * DIR gets branches.csv, accounts.csv, meters.csv, contracts.csv,
 * reserves.csv, balances.csv (the debtors' unpaid earlier months), with
 * --usage usage.csv (each zone's consumption in the month); inbox/sberbank/sber-P-pNN.txt (CP1251, split after L payment
 * lines), inbox/gazprombank/gpb-P.xml, inbox/qiwi/qiwi-P.csv,
 * inbox/payments/payments-P.csv, inbox/sms/sms-P.log,
 * inbox/portal/portal-P.csv; journal/appeals.csv and journal/calls.csv.
 * The last line on stderr is `gen: accounts=N files=K bytes=B seconds=S`.
 *
 * Everything is a function of the seed: each account draws from its own
 * splitmix64 stream keyed by (seed, account number), so the same options
 * give byte-identical files and no rand() is ever called.  Accounts are
 * streamed one at a time: master rows and channel lines are written as each
 * account is made, and memory grows only with the few things that are
 * sorted by time (the SMS log and the two journals, a few percent of N).
 * This is a development tool, not part of sbyt: it may print and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "money.h"

#define EX_USAGE 64
#define EX_CANTCREAT 73
#define EX_IOERR 74
#define EX_SOFTWARE 70

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64, one stream per account and per purpose. */

struct rng {
	uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t key)
{
	r->s = mix64(seed * 0x9e3779b97f4a7c15ULL + mix64(key + 0x632be59bd9b4e019ULL));
}

static uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in 0..n-1 (n > 0). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* Uniform in lo..hi inclusive. */
static int rng_range(struct rng *r, int lo, int hi)
{
	return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* 1 with probability permille / 1000. */
static int rng_chance(struct rng *r, int permille)
{
	return (int)rng_below(r, 1000) < permille;
}

/* Index into weights[0..n-1] drawn in proportion to the weights. */
static int rng_pick(struct rng *r, const int *weights, int n)
{
	int total = 0, x;

	for (int i = 0; i < n; i++)
		total += weights[i];
	x = (int)rng_below(r, (uint32_t)total);
	for (int i = 0; i < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PICK(r, a) ((a)[rng_below((r), (uint32_t)NELEM(a))])

/* ------------------------------------------------------------------ */
/* Reference tables: names, places, organisations. */

/* Surnames whose feminine form is the masculine one plus «а». */
static const char *const surnames[] = {
	"Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов",
	"Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
	"Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
	"Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
	"Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Фролов",
	"Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин",
	"Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов",
	"Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров",
	"Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев",
	"Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов",
	"Мельников", "Денисов", "Гаврилов", "Тихонов", "Казаков", "Афанасьев",
	"Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов",
	"Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Быков",
	"Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов",
	"Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов",
	"Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев",
	"Ермаков", "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв",
	"Котов", "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев",
	"Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков",
	"Горбунов", "Анисимов", "Ерёмин", "Галкин", "Лукьянов", "Михеев",
	"Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов", "Харитонов",
	"Князев", "Цветков", "Мальцев", "Логинов", "Горшков", "Савин", "Краснов",
	"Демидов", "Елисеев", "Рыбаков", "Плотников", "Хохлов", "Фадеев",
	"Ушаков", "Мухин", "Калашников", "Лобанов", "Корнилов", "Бородин",
	"Некрасов", "Бобров", "Жданов", "Блинов", "Муравьёв", "Дроздов", "Зуев",
	"Серов", "Фокин", "Шишкин", "Носов", "Ахметов", "Хабибуллин", "Сафиуллин",
	"Валиев", "Юсупов", "Байрамов", "Мамонтов", "Тоболов", "Ершов", "Турков",
};

static const char *const men[] = {
	"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений",
	"Иван", "Михаил", "Николай", "Владимир", "Павел", "Артём", "Игорь", "Олег",
	"Юрий", "Виктор", "Константин", "Роман", "Денис", "Вячеслав", "Анатолий",
	"Геннадий", "Василий", "Пётр", "Никита", "Егор", "Илья", "Ринат", "Руслан",
};

static const char *const women[] = {
	"Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна",
	"Мария", "Екатерина", "Юлия", "Людмила", "Галина", "Надежда", "Валентина",
	"Марина", "Любовь", "Оксана", "Анастасия", "Дарья", "Ксения", "Вера",
	"Нина", "Лариса", "Алёна", "Виктория", "Зульфия", "Гульнара", "Полина",
};

/* Father's name with the patronymic it gives a son and a daughter. */
static const char *const fathers[][2] = {
	{"Александрович", "Александровна"}, {"Сергеевич", "Сергеевна"},
	{"Дмитриевич", "Дмитриевна"}, {"Андреевич", "Андреевна"},
	{"Алексеевич", "Алексеевна"}, {"Владимирович", "Владимировна"},
	{"Николаевич", "Николаевна"}, {"Иванович", "Ивановна"},
	{"Михайлович", "Михайловна"}, {"Викторович", "Викторовна"},
	{"Юрьевич", "Юрьевна"}, {"Петрович", "Петровна"},
	{"Анатольевич", "Анатольевна"}, {"Васильевич", "Васильевна"},
	{"Геннадьевич", "Геннадьевна"}, {"Евгеньевич", "Евгеньевна"},
	{"Олегович", "Олеговна"}, {"Игоревич", "Игоревна"},
	{"Павлович", "Павловна"}, {"Валерьевич", "Валерьевна"},
	{"Борисович", "Борисовна"}, {"Григорьевич", "Григорьевна"},
	{"Фёдорович", "Фёдоровна"}, {"Романович", "Романовна"},
	{"Константинович", "Константиновна"}, {"Рашидович", "Рашидовна"},
};

/*
 * Settlements.  `home` ties a settlement to one of five base branches
 * (0 Тюменское, 1 Ишимское, 2 Тобольское, 3 Ялуторовское, 4 Голышмановское);
 * with B branches, branch b serves the settlements whose home % min(B, 5)
 * equals b % min(B, 5).  `weight` is the relative number of accounts.
 */
struct town {
	const char *kind;      /* "г.", "рп", "п.", "с." */
	const char *name;
	const char *district;  /* NULL for a town of regional rank */
	int post, post_span;   /* postcodes post .. post + post_span - 1 */
	int home, rural, weight;
	const char *slug;      /* for e-mail addresses */
	const char *ifns;      /* tax office code: INN and KPP prefix */
};

static const struct town towns[] = {
	{"г.", "Тюмень", NULL, 625000, 52, 0, 0, 300, "tyumen", "7203"},
	{"г.", "Ишим", NULL, 627750, 10, 1, 0, 40, "ishim", "7205"},
	{"г.", "Тобольск", NULL, 626150, 10, 2, 0, 50, "tobolsk", "7206"},
	{"г.", "Ялуторовск", NULL, 627010, 7, 3, 0, 25, "yalutorovsk", "7207"},
	{"г.", "Заводоуковск", NULL, 627140, 5, 3, 0, 20, "zavodoukovsk", "7215"},
	{"рп", "Голышманово", "Голышмановский г.о.", 627300, 3, 4, 0, 15, "golyshmanovo", "7214"},
	{"п.", "Винзили", "Тюменский р-н", 625530, 1, 0, 1, 12, "vinzili", "7224"},
	{"п.", "Боровский", "Тюменский р-н", 625504, 1, 0, 1, 12, "borovskiy", "7224"},
	{"с.", "Каскара", "Тюменский р-н", 625520, 1, 0, 1, 6, "kaskara", "7224"},
	{"с.", "Онохино", "Тюменский р-н", 625535, 1, 0, 1, 5, "onokhino", "7224"},
	{"с.", "Нижняя Тавда", "Нижнетавдинский р-н", 626020, 1, 0, 1, 7, "tavda", "7224"},
	{"с.", "Абатское", "Абатский р-н", 627540, 1, 1, 1, 6, "abatskoe", "7205"},
	{"с.", "Викулово", "Викуловский р-н", 627570, 1, 1, 1, 6, "vikulovo", "7205"},
	{"с.", "Бердюжье", "Бердюжский р-н", 627410, 1, 1, 1, 4, "berdyuzhe", "7205"},
	{"с.", "Казанское", "Казанский р-н", 627420, 1, 1, 1, 6, "kazanskoe", "7205"},
	{"с.", "Сладково", "Сладковский р-н", 627610, 1, 1, 1, 4, "sladkovo", "7205"},
	{"с.", "Ярково", "Ярковский р-н", 626050, 1, 2, 1, 6, "yarkovo", "7206"},
	{"с.", "Вагай", "Вагайский р-н", 626240, 1, 2, 1, 5, "vagay", "7206"},
	{"с.", "Уват", "Уватский р-н", 626170, 1, 2, 1, 6, "uvat", "7206"},
	{"с.", "Упорово", "Упоровский р-н", 627180, 1, 3, 1, 6, "uporovo", "7207"},
	{"с.", "Исетское", "Исетский р-н", 626380, 1, 3, 1, 6, "isetskoe", "7207"},
	{"с.", "Омутинское", "Омутинский р-н", 627070, 1, 3, 1, 6, "omutinskoe", "7207"},
	{"с.", "Аромашево", "Аромашевский р-н", 627350, 1, 3, 1, 4, "aromashevo", "7207"},
	{"с.", "Армизонское", "Армизонский р-н", 627220, 1, 4, 1, 4, "armizonskoe", "7214"},
	{"с.", "Большое Сорокино", "Сорокинский р-н", 627500, 1, 4, 1, 4, "sorokino", "7214"},
	{"с.", "Юргинское", "Юргинский р-н", 627250, 1, 4, 1, 4, "yurginskoe", "7214"},
};

static const char *const base_branches[][3] = {
	/* name, office address, phone */
	{"Тюменское МРО", "625048, Тюменская обл., г. Тюмень, ул. Холодильная, д. 136", "+73452540100"},
	{"Ишимское МРО", "627750, Тюменская обл., г. Ишим, ул. Ленина, д. 58", "+73455120200"},
	{"Тобольское МРО", "626150, Тюменская обл., г. Тобольск, ул. Семакова, д. 10", "+73456240300"},
	{"Ялуторовское МРО", "627010, Тюменская обл., г. Ялуторовск, ул. Революции, д. 44", "+73453520400"},
	{"Голышмановское МРО", "627300, Тюменская обл., рп Голышманово, ул. Садовая, д. 80", "+73454620500"},
};

static const char *const tyumen_streets[] = {
	"ул. Республики", "ул. Мельникайте", "ул. Широтная", "ул. Пермякова",
	"ул. Холодильная", "ул. Малыгина", "ул. 50 лет Октября", "ул. Федюнинского",
	"ул. Ямская", "ул. Николая Чаплина", "ул. Геологоразведчиков", "ул. Запольная",
	"ул. Олимпийская", "Московский тракт", "Червишевский тракт", "ул. Газовиков",
	"ул. Харьковская", "ул. Энергетиков", "ул. Тимуровцев", "ул. Монтажников",
};

static const char *const town_streets[] = {
	"ул. Ленина", "ул. Советская", "ул. Мира", "ул. Гагарина", "ул. Комсомольская",
	"ул. Пролетарская", "ул. Свердлова", "ул. Кирова", "ул. Октябрьская",
	"ул. Первомайская", "ул. Луначарского", "ул. Максима Горького",
	"ул. Карла Маркса", "ул. Строителей", "ул. Северная", "ул. Южная",
	"ул. Механизаторов", "ул. Декабристов", "ул. Семакова", "мкр. 7-й",
};

static const char *const village_streets[] = {
	"ул. Школьная", "ул. Садовая", "ул. Набережная", "ул. Молодёжная",
	"ул. Лесная", "ул. Центральная", "ул. Полевая", "ул. Зелёная", "ул. Новая",
	"ул. Озёрная", "пер. Береговой", "ул. Рабочая", "ул. Трактовая", "ул. Ленина",
};

/* Parts of commercial names: prefix, then the suffix glued or after a dash. */
static const char *const org_prefix[] = {
	"Тюмень", "Сибирь", "Тобол", "Ишим", "Тура", "Исеть", "Север", "Урал",
	"Запсиб", "Тавда", "Вагай", "Иртыш",
};
static const char *const org_suffix[][2] = {
	{"агро", "Агро"}, {"строй", "Строй"}, {"стройсервис", "СтройСервис"},
	{"энергомонтаж", "Энергомонтаж"}, {"транс", "Транс"}, {"мебель", "Мебель"},
	{"хлеб", "Хлеб"}, {"молоко", "Молоко"}, {"торг", "Торг"}, {"лес", "Лес"},
	{"авто", "Авто"}, {"нефтесервис", "Нефтесервис"}, {"пром", "Пром"},
	{"снаб", "Снаб"}, {"газсервис", "ГазСервис"}, {"рыба", "Рыба"},
};

/* Organisations that get a reserve act (critical consumers). */
struct critical {
	const char *fmt;  /* one %d: a number */
	const char *login;
	int no_below_emergency;
};
static const struct critical criticals[] = {
	{"ГБУЗ ТО «Областная больница № %d»", "hospital", 1},
	{"МУП «Водоканал-%d»", "vodokanal", 1},
	{"АО «Тепловые сети № %d»", "teploseti", 1},
	{"ГАУЗ ТО «Городская поликлиника № %d»", "poliklinika", 1},
	{"МАОУ «СОШ № %d»", "school", 0},
	{"МАДОУ «Детский сад № %d»", "detsad", 0},
	{"ГАУ ТО «Центр социального обслуживания № %d»", "kcson", 0},
};

static const char *const mail_domains[] = {
	"mail.ru", "yandex.ru", "bk.ru", "inbox.ru", "list.ru", "gmail.com", "rambler.ru",
};

/* Latin transliteration of a Russian letter (lowercase output). */
static const char *translit_cp(unsigned cp)
{
	static const char *const low[32] = {
		"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
		"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
	};
	if (cp >= 0x410 && cp <= 0x42f)
		return low[cp - 0x410];
	if (cp >= 0x430 && cp <= 0x44f)
		return low[cp - 0x430];
	if (cp == 0x401 || cp == 0x451)
		return "e";
	return NULL;
}

/* Transliterate UTF-8 Russian into out (size bytes), keeping ASCII
 * letters and digits; other characters are dropped. */
static void translit(const char *s, char *out, size_t size)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && n + 5 < size) {
		unsigned cp;
		const char *t;

		if (*p < 0x80) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
				out[n++] = (char)*p;
			else if (*p >= 'A' && *p <= 'Z')
				out[n++] = (char)(*p - 'A' + 'a');
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0 && p[1]) {
			cp = ((unsigned)(*p & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
		} else {
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
			continue;
		}
		t = translit_cp(cp);
		if (t)
			while (*t && n + 1 < size)
				out[n++] = *t++;
	}
	out[n] = 0;
}

/* ------------------------------------------------------------------ */
/* Line buffer with the few formats the files need. */

struct line {
	size_t n;
	char b[8192];
};

static void l_reset(struct line *l)
{
	l->n = 0;
}

static void l_s(struct line *l, const char *s)
{
	size_t k = strlen(s);

	if (l->n + k >= sizeof(l->b))
		k = sizeof(l->b) - 1 - l->n;
	memcpy(l->b + l->n, s, k);
	l->n += k;
	l->b[l->n] = 0;
}

static void l_c(struct line *l, char c)
{
	if (l->n + 1 < sizeof(l->b)) {
		l->b[l->n++] = c;
		l->b[l->n] = 0;
	}
}

/* Unsigned decimal, zero-padded to width (0: no padding). */
static void l_u(struct line *l, uint64_t v, int width)
{
	char t[24];
	int k = 0;

	do {
		t[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k < width)
		t[k++] = '0';
	while (k)
		l_c(l, t[--k]);
}

/* Kopecks as "1234.56" with sep as the decimal separator. */
static void l_money(struct line *l, money m, char sep)
{
	if (m < 0) {
		l_c(l, '-');
		m = -m;
	}
	l_u(l, (uint64_t)(m / 100), 0);
	l_c(l, sep);
	l_u(l, (uint64_t)(m % 100), 2);
}

/* A meter value in tenths of kWh: "12345" or, with decimals, "12345,6". */
static void l_tenths(struct line *l, int64_t v, char sep, int decimals)
{
	l_u(l, (uint64_t)(v / 10), 0);
	if (decimals && v % 10) {
		l_c(l, sep);
		l_u(l, (uint64_t)(v % 10), 0);
	}
}

static void l_date(struct line *l, sdate d)
{
	char b[DATE_BUF];

	l_s(l, date_format(d, b));
}

/* "dd/mm/yyyy" as in the Sberbank registry. */
static void l_date_dmy(struct line *l, sdate d)
{
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	l_u(l, (uint64_t)day, 2);
	l_c(l, '/');
	l_u(l, (uint64_t)m, 2);
	l_c(l, '/');
	l_u(l, (uint64_t)y, 4);
}

static void l_hms(struct line *l, int secs, char sep)
{
	l_u(l, (uint64_t)(secs / 3600), 2);
	l_c(l, sep);
	l_u(l, (uint64_t)(secs / 60 % 60), 2);
	l_c(l, sep);
	l_u(l, (uint64_t)(secs % 60), 2);
}

/* A local moment (seconds since 1970-01-01 00:00 in UTC+5) as ISO 8601. */
static void l_ts(struct line *l, int64_t t)
{
	l_date(l, (sdate)(t / 86400));
	l_c(l, 'T');
	l_hms(l, (int)(t % 86400), ':');
	l_s(l, "+05:00");
}

static void l_period(struct line *l, speriod p)
{
	char b[PERIOD_BUF];

	l_s(l, period_format(p, b));
}

/* ------------------------------------------------------------------ */
/* Output files. */

struct out {
	FILE *f;
	char path[PATH_MAX];
};

struct sms {
	int64_t at;
	uint64_t order;   /* tie-break: generation order */
	size_t off, len;  /* the line in the arena */
};

struct appeal {
	int64_t received, answered;  /* answered 0: not yet */
	sdate extended;              /* 0: not extended */
	char account[11];
	int8_t channel, kind;
};

struct call {
	int64_t queued, answered, ended;
	int8_t topic, abandoned;
};

enum { CH_SBER, CH_GPB, CH_QIWI, CH_PAYMENTS, CH_SMS, CH_PORTAL };
enum { CAT_GAS, CAT_ELECTRIC, CAT_RURAL };
enum { SRC_POST, SRC_CASHDESK, SRC_ACQUIRING, SRC_BANK };

static const char *const category_names[] = {"urban_gas", "urban_electric", "rural"};
static const char *const delivery_names[] = {"post", "email", "lkk", "edo"};
static const char *const source_names[] = {"post", "cashdesk", "acquiring", "bank"};
static const char *const portal_sources[] = {"lkk", "site", "ivr", "office", "box", "inspector"};
static const char *const appeal_channels[] = {"phone", "lkk", "email", "office", "post"};
static const char *const appeal_kinds[] = {"question", "application", "complaint"};
static const char *const call_topics[] = {"readings", "consult", "consult_personal", "other"};

struct gen {
	/* options */
	int64_t n;
	speriod period;
	uint64_t seed;
	const char *dir;
	int branches;
	int sber_lines, sber_payments;
	int want_usage;   /* --usage: write usage.csv */

	/* the period */
	sdate first, last;
	int ndays;
	char pbuf[PERIOD_BUF];

	/* outputs */
	struct out accounts, meters, contracts, reserves, balances, branches_f, usage;
	struct out sber, qiwi, payments, portal, gpb_final;
	FILE *gpb_body;
	iconv_t cp1251;
	int sber_part, sber_count;
	money sber_sum, sber_fee;
	sdate sber_maxdate;
	int64_t gpb_count;
	money gpb_total;
	int64_t files, bytes;

	/* per-channel id counters */
	uint64_t seq[6];
	uint64_t meter_seq;
	int64_t legal_seen;

	/* sorted at the end */
	struct sms *sms;
	size_t nsms, capsms;
	char *arena;
	size_t arena_n, arena_cap;
	struct appeal *appeals;
	size_t nappeals, capappeals;
	unsigned sms_seen[2];  /* styles used, one- and two-zone meters */
};

static void die_io(const char *what, const char *path, int code)
{
	fprintf(stderr, "gen: error: cannot %s '%s': %s\n", what, path, strerror(errno));
	exit(code);
}

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q) {
		fprintf(stderr, "gen: error: out of memory\n");
		exit(EX_SOFTWARE);
	}
	return q;
}

/* mkdir -p of DIR/rel (rel may be ""). */
static void make_dirs(const char *dir, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s%s", dir, *rel ? "/" : "", rel);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = 0;
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				die_io("create folder", p, EX_CANTCREAT);
			*s = c;
			if (!c)
				break;
		}
	}
}

static void out_open(struct gen *g, struct out *o, const char *rel)
{
	snprintf(o->path, sizeof(o->path), "%s/%s", g->dir, rel);
	o->f = fopen(o->path, "w");
	if (!o->f)
		die_io("create", o->path, EX_CANTCREAT);
}

static void out_line(struct out *o, const struct line *l)
{
	if (fwrite(l->b, 1, l->n, o->f) != l->n || putc('\n', o->f) == EOF)
		die_io("write", o->path, EX_IOERR);
}

static void out_close(struct gen *g, struct out *o)
{
	long size;

	if (!o->f)
		return;
	if (fflush(o->f) == EOF || ferror(o->f))
		die_io("write", o->path, EX_IOERR);
	size = ftell(o->f);
	if (fclose(o->f) == EOF)
		die_io("close", o->path, EX_IOERR);
	o->f = NULL;
	g->files++;
	g->bytes += size > 0 ? size : 0;
}

/* ------------------------------------------------------------------ */
/* Accounts. */

struct meter {
	char no[16];
	int zones, digits;
	sdate installed, verified;
	int64_t base[3];  /* register at the start of the period, whole kWh */
	int64_t cons[3];  /* consumption over the period, tenths of kWh */
	int rollover;
};

struct acct {
	int64_t ordinal;
	int branch;       /* 0-based */
	int serial;
	char no[11];
	int legal, cat, debtor, remote, delivery, town;
	int reserve;      /* index into criticals + 1, or 0 */
	int residents, rooms;
	sdate opened;
	char name[256], address[320], postcode[8], email[96];
	char phones[3][13];
	int nphones;
	int nmeters;
	struct meter m[3];
	money bill;       /* last month's bill, kopecks */
	int decimals;     /* writes the tenth digit of readings */
};

/* Settlement for an account of branch b (urban or rural). */
static int pick_town(struct gen *g, struct rng *r, int branch, int rural)
{
	int groups = g->branches < 5 ? g->branches : 5;
	int w[NELEM(towns)];

	for (int i = 0; i < NELEM(towns); i++)
		w[i] = (towns[i].home % groups == branch % groups && towns[i].rural == rural)
		       ? towns[i].weight : 0;
	for (int i = 0, any = 0; i < NELEM(towns); i++) {
		any |= w[i];
		if (i == NELEM(towns) - 1 && !any)  /* no rural place for this group */
			for (int k = 0; k < NELEM(towns); k++)
				w[k] = towns[k].home % groups == branch % groups ? towns[k].weight : 0;
	}
	return rng_pick(r, w, NELEM(towns));
}

/* A mobile number, or a landline of the settlement's exchange. */
static void make_phone(struct rng *r, char *out, int landline, const struct town *t)
{
	static const int ops[] = {904, 908, 912, 919, 922, 929, 932, 950, 961, 982, 992, 999};

	if (landline) {
		/* Tyumen 3452, Tobolsk 3456, Ishim 34551: ten digits after +7 */
		if (t->home == 1)
			snprintf(out, 13, "+734551%05d", rng_range(r, 20000, 79999));
		else
			snprintf(out, 13, "+7%s%06d", t->home == 2 ? "3456" : "3452",
				 rng_range(r, 200000, 799999));
	} else {
		snprintf(out, 13, "+7%d%07d", PICK(r, ops), (int)rng_below(r, 10000000));
	}
}

/* years after d, with 29 February becoming the 28th. */
static sdate add_years(sdate d, int years)
{
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	y += years;
	if (m == 2 && day == 29 && !date_valid(y, 2, 29))
		day = 28;
	return date_from_ymd(y, m, day);
}

static int64_t pow10i(int k)
{
	int64_t v = 1;

	while (k--)
		v *= 10;
	return v;
}

/* Monthly consumption of a household, whole kWh. */
static int household_kwh(struct rng *r, const struct acct *a)
{
	int kwh;

	switch (a->cat) {
	case CAT_GAS:
		kwh = 60 + a->residents * 45 + a->rooms * 10;
		break;
	case CAT_ELECTRIC:
		kwh = 150 + a->residents * 70 + a->rooms * 15;
		break;
	default:
		kwh = 120 + a->residents * 60 + a->rooms * 20;
		break;
	}
	return kwh * rng_range(r, 75, 125) / 100;
}

static void make_meter(struct gen *g, struct rng *r, struct acct *a, struct meter *m, int kwh)
{
	static const int zone_w_ind[] = {60, 33, 7}, zone_w_leg[] = {30, 30, 40};
	static const int digit_w[] = {20, 50, 20, 10};
	static const char *const models[] = {"01", "02", "11", "12", "21", "34"};
	/* share of the month's kWh by zone, percent: 1, 2, 3 zones */
	static const int split[3][3] = {{100, 0, 0}, {68, 32, 0}, {30, 30, 40}};
	uint64_t serial;
	int64_t top;
	int y;

	m->zones = 1 + rng_pick(r, a->legal ? zone_w_leg : zone_w_ind, 3);
	m->digits = 5 + rng_pick(r, digit_w, 4);
	if (a->legal && m->digits < 6)
		m->digits = 6;
	if (rng_chance(r, 30)) {
		/* verification already expired before the period */
		m->verified = g->first - rng_range(r, 20, 900);
		m->installed = add_years(m->verified, -16);
	} else {
		m->installed = g->first - rng_range(r, 30, 15 * 365);
		m->verified = add_years(m->installed, 16);
	}
	if (a->opened > m->installed)
		a->opened = m->installed - rng_range(r, 0, 400);
	date_to_ymd(m->installed, &y, NULL, NULL);
	/* a bijection of the running meter number: unique in the whole run */
	serial = (g->meter_seq++ * 7777771u + g->seed % 100000000u) % 100000000u;
	snprintf(m->no, sizeof(m->no), "%s%02d%08llu", PICK(r, models), y % 100,
		 (unsigned long long)serial);
	top = pow10i(m->digits);
	m->rollover = rng_chance(r, 10);
	for (int z = 0; z < 3; z++) {
		m->base[z] = 0;
		m->cons[z] = 0;
		if (z >= m->zones)
			continue;
		m->cons[z] = (int64_t)kwh * 10 * split[m->zones - 1][z] / 100 + rng_below(r, 10);
		if (m->rollover && z == 0) {
			/* near the top: the register wraps early in the month */
			int64_t gap = m->cons[z] / 10 * rng_range(r, 2, 12) / 30 + 1;
			m->base[z] = top - gap;
		} else {
			/* what the months since installation ran up, past the top
			 * of the register if it already wrapped */
			int64_t months = (g->first - m->installed) * 10 / 304 + 1;
			m->base[z] = m->cons[z] / 10 * months * rng_range(r, 70, 130) / 100 % top;
		}
	}
}

/* Make account `ordinal` (0-based, in output order) of branch b. */
static void make_account(struct gen *g, struct acct *a, int64_t ordinal, int b, int serial)
{
	static const int cat_w[] = {45, 25, 30};
	struct rng r;
	const struct town *t;
	char login[64], tmp[160];
	int male, legal_q, streetno, kwh;
	int64_t phase = (int64_t)(g->seed % 33);

	memset(a, 0, sizeof(*a));
	a->ordinal = ordinal;
	a->branch = b;
	a->serial = serial;
	if (snprintf(a->no, sizeof(a->no), "72%02d%06d", b + 1, serial) >= (int)sizeof(a->no))
		abort();  /* more than 99 branches or a million accounts a branch */
	rng_seed(&r, g->seed, (uint64_t)strtoull(a->no, NULL, 10));

	/* one account in 33 is a legal entity; one legal entity in three has a
	 * reserve act, one in four is in debt (exact counts, seed-dependent) */
	a->legal = (ordinal + phase) % 33 == 0;
	legal_q = (int)((ordinal + phase) / 33);
	a->opened = date_from_ymd(1996, 1, 1) + rng_range(&r, 0, g->first - 60 - date_from_ymd(1996, 1, 1));
	if (a->legal) {
		a->reserve = legal_q % 3 == 0 ? 1 + legal_q / 3 * 3 % NELEM(criticals) : 0;
		a->debtor = legal_q % 4 == 2;
		a->cat = -1;
		a->town = pick_town(g, &r, b, rng_chance(&r, 200));
	} else {
		a->cat = rng_pick(&r, cat_w, 3);
		a->debtor = rng_chance(&r, 50);
		a->town = pick_town(g, &r, b, a->cat == CAT_RURAL);
		a->residents = rng_range(&r, 1, a->cat == CAT_RURAL ? 6 : 5);
		a->rooms = rng_range(&r, 1, a->cat == CAT_RURAL ? 5 : 4);
	}
	t = &towns[a->town];
	snprintf(a->postcode, sizeof(a->postcode), "%06d", t->post + (int)rng_below(&r, (uint32_t)t->post_span));

	/* name */
	if (a->legal && a->reserve) {
		const struct critical *c = &criticals[a->reserve - 1];
		snprintf(a->name, sizeof(a->name), c->fmt, rng_range(&r, 1, 60));
		snprintf(login, sizeof(login), "%s%d", c->login, a->serial % 1000);
	} else if (a->legal) {
		static const char *const forms[] = {"ООО", "ООО", "ООО", "АО", "ПАО", "СПК", "ТСЖ"};
		const char *pre = PICK(&r, org_prefix);
		int k = (int)rng_below(&r, (uint32_t)NELEM(org_suffix));
		if (rng_chance(&r, 500))
			snprintf(tmp, sizeof(tmp), "%s-%s", pre, org_suffix[k][1]);
		else
			snprintf(tmp, sizeof(tmp), "%s%s", pre, org_suffix[k][0]);
		snprintf(a->name, sizeof(a->name), "%s «%s»", PICK(&r, forms), tmp);
		translit(tmp, login, sizeof(login));
	} else {
		const char *sur = PICK(&r, surnames);
		int f = (int)rng_below(&r, (uint32_t)NELEM(fathers));
		male = rng_chance(&r, 470);
		snprintf(a->name, sizeof(a->name), "%s%s %s %s", sur, male ? "" : "а",
			 male ? PICK(&r, men) : PICK(&r, women), fathers[f][male ? 0 : 1]);
		translit(sur, login, sizeof(login));
		if (!male)
			strncat(login, "a", sizeof(login) - strlen(login) - 1);
	}

	/* address */
	streetno = rng_range(&r, 1, t->rural ? 60 : 140);
	if (t->district)
		snprintf(a->address, sizeof(a->address), "Тюменская обл., %s, %s %s, ",
			 t->district, t->kind, t->name);
	else
		snprintf(a->address, sizeof(a->address), "Тюменская обл., %s %s, ", t->kind, t->name);
	strncat(a->address, t->rural ? PICK(&r, village_streets)
		: t->home == 0 && !t->district ? PICK(&r, tyumen_streets) : PICK(&r, town_streets),
		sizeof(a->address) - strlen(a->address) - 1);
	snprintf(tmp, sizeof(tmp), ", д. %d", streetno);
	if (rng_chance(&r, 80))
		snprintf(tmp + strlen(tmp), sizeof(tmp) - strlen(tmp), "%s", rng_chance(&r, 500) ? "а" : "/1");
	strncat(a->address, tmp, sizeof(a->address) - strlen(a->address) - 1);
	if (a->legal) {
		if (rng_chance(&r, 400)) {
			snprintf(tmp, sizeof(tmp), ", оф. %d", rng_range(&r, 1, 420));
			strncat(a->address, tmp, sizeof(a->address) - strlen(a->address) - 1);
		}
	} else if (!t->rural && rng_chance(&r, 850)) {
		snprintf(tmp, sizeof(tmp), ", кв. %d", rng_range(&r, 1, a->cat == CAT_ELECTRIC ? 320 : 120));
		strncat(a->address, tmp, sizeof(a->address) - strlen(a->address) - 1);
	}

	/* phones: none, one, or several separated by ',' */
	if (a->legal) {
		make_phone(&r, a->phones[0], 1, t);
		a->nphones = 1;
		if (rng_chance(&r, 500))
			make_phone(&r, a->phones[a->nphones++], 0, t);
	} else if (!rng_chance(&r, 100)) {
		make_phone(&r, a->phones[0], 0, t);
		a->nphones = 1;
		if (rng_chance(&r, 120))
			make_phone(&r, a->phones[a->nphones++], rng_chance(&r, 300), t);
		if (rng_chance(&r, 20))
			make_phone(&r, a->phones[a->nphones++], 0, t);
	}

	/* e-mail and delivery: edo only for legal, email only with an address */
	if (a->legal) {
		snprintf(a->email, sizeof(a->email), "%s@%s.ru", a->reserve ? "priem" : "info", login);
		if (a->reserve)
			snprintf(a->email, sizeof(a->email), "priem@%s.%s.ru", login, t->slug);
		{
			static const int w[] = {15, 25, 0, 60};
			a->delivery = rng_pick(&r, w, 4);
		}
		a->remote = rng_chance(&r, 450);
	} else {
		if (rng_chance(&r, 350))
			snprintf(a->email, sizeof(a->email), "%s%s%d@%s", login,
				 rng_chance(&r, 500) ? "." : "", rng_range(&r, 55, 2009),
				 PICK(&r, mail_domains));
		{
			static const int w_mail[] = {50, 30, 20, 0}, w_nomail[] = {75, 0, 25, 0};
			a->delivery = rng_pick(&r, *a->email ? w_mail : w_nomail, 4);
		}
		a->remote = rng_chance(&r, 30);
	}

	/* meters */
	if (a->legal) {
		kwh = 800 + (int)(rng_below(&r, 1000) * rng_below(&r, 1000) / 15);
		a->nmeters = rng_chance(&r, 300) ? rng_range(&r, 2, 3) : 1;
	} else {
		kwh = household_kwh(&r, a);
		a->nmeters = 1;
	}
	for (int i = 0; i < a->nmeters; i++)
		make_meter(g, &r, a, &a->m[i], kwh / a->nmeters);

	/* last month's bill: consumption 85-115 % of this month's, at the
	 * category's tariff (kopecks per kWh); legal entities with 20 % VAT */
	{
		static const int tariff[] = {598, 419, 419};
		int64_t t10 = 0;
		for (int i = 0; i < a->nmeters; i++)
			for (int z = 0; z < a->m[i].zones; z++)
				t10 += a->m[i].cons[z];
		if (a->legal)
			a->bill = money_round((__int128)t10 * rng_range(&r, 850, 1150) * 812 * 120,
					      (int64_t)10 * 1000 * 100);
		else
			a->bill = money_round((__int128)t10 * rng_range(&r, 850, 1150) * tariff[a->cat],
					      (int64_t)10 * 1000);
		if (a->bill < 10000)
			a->bill = 10000 + rng_range(&r, 0, 9999);
	}
	a->decimals = rng_chance(&r, 300);
}

/* Start l over with "ACCOUNT;METER;ZONE;" (zone z counted from 1): the
 * head of a usage line and of a portal line. */
static void l_zone_head(struct line *l, const struct acct *a, const struct meter *m, int z)
{
	l_reset(l);
	l_s(l, a->no);
	l_c(l, ';');
	l_s(l, m->no);
	l_c(l, ';');
	l_u(l, (uint64_t)z + 1, 0);
	l_c(l, ';');
}

static int inn_check(const char *d9)
{
	static const int w[9] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
	int s = 0;

	for (int i = 0; i < 9; i++)
		s += (d9[i] - '0') * w[i];
	return s % 11 % 10;
}

static void write_master(struct gen *g, struct acct *a)
{
	struct line l;
	struct rng r;
	const struct town *t = &towns[a->town];

	l_reset(&l);
	l_s(&l, a->no);
	l_c(&l, ';');
	l_u(&l, (uint64_t)a->branch + 1, 2);
	l_s(&l, a->legal ? ";legal;" : ";individual;");
	l_s(&l, a->name);
	l_c(&l, ';');
	l_s(&l, a->address);
	l_c(&l, ';');
	l_s(&l, a->postcode);
	l_c(&l, ';');
	if (!a->legal) {
		l_s(&l, category_names[a->cat]);
		l_c(&l, ';');
		l_u(&l, (uint64_t)a->residents, 0);
		l_c(&l, ';');
		l_u(&l, (uint64_t)a->rooms, 0);
	} else {
		l_s(&l, ";;");
	}
	l_c(&l, ';');
	for (int i = 0; i < a->nphones; i++) {
		if (i)
			l_c(&l, ',');
		l_s(&l, a->phones[i]);
	}
	l_c(&l, ';');
	l_s(&l, a->email);
	l_c(&l, ';');
	l_s(&l, delivery_names[a->delivery]);
	l_s(&l, a->remote ? ";1;" : ";0;");
	l_date(&l, a->opened);
	out_line(&g->accounts, &l);

	for (int i = 0; i < a->nmeters; i++) {
		const struct meter *m = &a->m[i];
		l_reset(&l);
		l_s(&l, a->no);
		l_c(&l, ';');
		l_s(&l, m->no);
		l_c(&l, ';');
		l_u(&l, (uint64_t)m->zones, 0);
		l_c(&l, ';');
		l_u(&l, (uint64_t)m->digits, 0);
		l_c(&l, ';');
		l_date(&l, m->installed);
		l_c(&l, ';');
		l_date(&l, m->verified);
		for (int z = 0; z < 3; z++) {
			l_c(&l, ';');
			if (z < m->zones)
				l_u(&l, (uint64_t)m->base[z], 0);
		}
		out_line(&g->meters, &l);
		/* --usage: the month's consumption of each zone, the rate the
		 * channel files' registers run at (reg_at()), for a history
		 * that these readings continue (tools/bench_year.sh) */
		for (int z = 0; g->want_usage && z < m->zones; z++) {
			l_zone_head(&l, a, m, z);
			l_u(&l, (uint64_t)m->cons[z], 0);
			out_line(&g->usage, &l);
		}
	}

	if (!a->legal)
		return;
	rng_seed(&r, g->seed ^ 0xc0ffee, (uint64_t)strtoull(a->no, NULL, 10));
	{
		char inn[11], kpp[10];
		static const int pc_w[] = {70, 5, 15, 10};
		static const int pc[] = {1, 2, 3, 4};
		sdate signed_on = a->opened + rng_range(&r, 0, 30);

		snprintf(inn, sizeof(inn), "%s%05u", t->ifns, rng_below(&r, 100000));
		inn[9] = (char)('0' + inn_check(inn));
		inn[10] = 0;
		snprintf(kpp, sizeof(kpp), "%s01001", t->ifns);
		l_reset(&l);
		l_s(&l, a->no);
		l_s(&l, ";ЭС-");
		l_u(&l, (uint64_t)a->branch + 1, 2);
		l_c(&l, '-');
		l_u(&l, (uint64_t)a->serial, 6);
		l_c(&l, ';');
		l_date(&l, signed_on);
		l_c(&l, ';');
		l_u(&l, (uint64_t)pc[a->remote ? rng_pick(&r, pc_w, 4) : 0], 0);
		l_s(&l, ";standard;");
		l_s(&l, inn);
		l_c(&l, ';');
		l_s(&l, kpp);
		/* readings_day (the rules' default), edo_id: a legal entity on edo
		 * has an EDO participant id (the УПД's receiver) */
		l_s(&l, ";;");
		if (a->delivery == 3) {
			l_s(&l, "2BE-");
			l_s(&l, a->no);
			l_s(&l, "-EDO");
		}
		out_line(&g->contracts, &l);
	}
	if (a->reserve) {
		const struct critical *c = &criticals[a->reserve - 1];
		int tech = rng_range(&r, 40, 900);          /* tenths of kW x 10 */
		int emerg = tech * rng_range(&r, 20, 70) / 100;

		l_reset(&l);
		l_s(&l, a->no);
		l_c(&l, ';');
		l_u(&l, (uint64_t)tech / 10, 0);
		l_c(&l, '.');
		l_u(&l, (uint64_t)tech % 10, 0);
		l_c(&l, ';');
		l_u(&l, (uint64_t)emerg / 10, 0);
		l_c(&l, '.');
		l_u(&l, (uint64_t)emerg % 10, 0);
		l_s(&l, c->no_below_emergency ? ";1;" : ";0;");
		/* authority addresses use the reserved .example domain: never real */
		l_s(&l, "edds@adm-");
		l_s(&l, t->slug);
		l_s(&l, ".example,gochs@mchs72.example");
		if (c->no_below_emergency)
			l_s(&l, ",zdrav@dzo72.example");
		out_line(&g->reserves, &l);
	}
}

/* The unpaid bills of a debtor taken over from the previous system:
 * households owe the last three months (due the 10th of the next month),
 * legal entities the last two (due the 18th).  No random draws, so the
 * other files do not change. */
static void write_balances(struct gen *g, const struct acct *a)
{
	struct line l;
	int months = a->legal ? 2 : 3;

	if (!a->debtor)
		return;
	for (int k = months; k >= 1; k--) {
		speriod p = g->period - k;

		l_reset(&l);
		l_s(&l, a->no);
		l_c(&l, ';');
		l_period(&l, p);
		l_c(&l, ';');
		l_date(&l, period_first(p + 1) + (a->legal ? 17 : 9));
		l_c(&l, ';');
		l_money(&l, a->bill, '.');
		out_line(&g->balances, &l);
	}
}

/* ------------------------------------------------------------------ */
/* Channel lines. */

/* A transaction id for channel ch, unique within the run: a bijection
 * (multiplier prime to 10) of the channel's running counter. */
static uint64_t next_id(struct gen *g, int ch, uint64_t mod)
{
	uint64_t c = g->seq[ch]++;

	return (c * 7777777u + mix64(g->seed + (uint64_t)ch) % mod) % mod;
}

/* Day of month (1-based) of a payment. */
static int pay_day(struct gen *g, struct rng *r)
{
	static const int w[] = {60, 30, 10};

	switch (rng_pick(r, w, 3)) {
	case 0:
		return rng_range(r, 1, 10);
	case 1:
		return rng_range(r, 11, 25);
	default:
		return rng_range(r, 26, g->ndays);
	}
}

/* Day of month of a reading: the window 15-25 mostly, some outside. */
static int read_day(struct gen *g, struct rng *r)
{
	if (rng_chance(r, 900))
		return rng_range(r, 15, 25);
	return rng_chance(r, 500) ? rng_range(r, 1, 14) : rng_range(r, 26, g->ndays);
}

/* Register of zone z on day d of the month, in tenths (wraps at the top). */
static int64_t reg_at(struct gen *g, const struct meter *m, int z, int day)
{
	int64_t top = pow10i(m->digits) * 10;

	return (m->base[z] * 10 + m->cons[z] * day / g->ndays) % top;
}

static void sber_close(struct gen *g)
{
	struct line l;

	if (!g->sber.f)
		return;
	/* the trailer is ASCII: the same bytes in CP1251 */
	l_reset(&l);
	l_c(&l, '=');
	l_u(&l, (uint64_t)g->sber_count, 0);
	l_c(&l, ';');
	l_money(&l, g->sber_sum, ',');
	l_c(&l, ';');
	l_money(&l, g->sber_fee, ',');
	l_c(&l, ';');
	l_u(&l, 40000 + mix64(g->seed + (uint64_t)g->sber_part) % 50000, 0);
	l_c(&l, ';');
	l_date_dmy(&l, g->sber_maxdate + 1);
	out_line(&g->sber, &l);
	out_close(g, &g->sber);
}

static void sber_line(struct gen *g, struct line *l, money sum, money fee, sdate d)
{
	char conv[sizeof(l->b) * 2];
	char *ip = l->b, *op = conv;
	size_t il = l->n, ol = sizeof(conv);

	if (g->sber.f && g->sber_count >= g->sber_lines)
		sber_close(g);
	if (!g->sber.f) {
		char rel[96];
		snprintf(rel, sizeof(rel), "inbox/sberbank/sber-%s-p%02d.txt", g->pbuf, ++g->sber_part);
		out_open(g, &g->sber, rel);
		g->sber_count = 0;
		g->sber_sum = g->sber_fee = 0;
		g->sber_maxdate = 0;
	}
	iconv(g->cp1251, NULL, NULL, NULL, NULL);
	if (iconv(g->cp1251, &ip, &il, &op, &ol) == (size_t)-1) {
		fprintf(stderr, "gen: error: cannot convert a registry line to CP1251: %s\n",
			strerror(errno));
		exit(EX_SOFTWARE);
	}
	if (fwrite(conv, 1, (size_t)(op - conv), g->sber.f) != (size_t)(op - conv) ||
	    putc('\n', g->sber.f) == EOF)
		die_io("write", g->sber.path, EX_IOERR);
	g->sber_count++;
	g->sber_sum += sum;
	g->sber_fee += fee;
	if (d > g->sber_maxdate)
		g->sber_maxdate = d;
}

/* A payment of account a; readings (may be NULL) go with it when the
 * channel carries them. */
struct pay {
	int ch, source;
	sdate day;
	int secs;
	money sum;
	speriod period;
	int no_period;
	const struct meter *m;  /* readings of this meter, or NULL */
	int read_day;
};

static void emit_payment(struct gen *g, struct rng *r, const struct acct *a, const struct pay *p)
{
	struct line l;

	l_reset(&l);
	switch (p->ch) {
	case CH_SBER: {
		int y, mo;
		money fee = rng_chance(r, 600) ? money_round((__int128)p->sum, 100) : 0;

		l_date_dmy(&l, p->day);
		l_c(&l, ';');
		l_hms(&l, p->secs, '-');
		l_s(&l, ";8647/");
		l_u(&l, 100 + rng_below(r, 60), 4);
		l_c(&l, ';');
		l_u(&l, fee ? 10000 + rng_below(r, 90000) : 0, 0);
		l_c(&l, ';');
		l_u(&l, 1000000000ULL + next_id(g, CH_SBER, 9000000000ULL), 0);
		l_c(&l, ';');
		l_s(&l, a->no);
		l_c(&l, ';');
		l_s(&l, a->name);
		l_c(&l, ';');
		l_s(&l, a->address);
		l_c(&l, ';');
		period_to_ym(p->period, &y, &mo);
		l_u(&l, (uint64_t)mo, 2);
		l_u(&l, (uint64_t)y, 4);
		l_c(&l, ';');
		l_money(&l, p->sum, ',');
		l_c(&l, ';');
		l_money(&l, fee, ',');
		l_c(&l, ';');
		if (p->m)
			for (int z = 0; z < p->m->zones; z++) {
				if (z)
					l_c(&l, '|');
				l_s(&l, "CounterVal_");
				l_u(&l, (uint64_t)z + 1, 0);
				l_c(&l, ':');
				l_tenths(&l, reg_at(g, p->m, z, p->read_day), ',', a->decimals);
			}
		sber_line(g, &l, p->sum, fee, p->day);
		break;
	}
	case CH_GPB:
		l_s(&l, "  <Payment id=\"T-");
		l_u(&l, next_id(g, CH_GPB, 100000000ULL), 8);
		l_s(&l, "\" at=\"");
		l_ts(&l, (int64_t)p->day * 86400 + p->secs);
		l_s(&l, "\" terminal=\"72-");
		l_u(&l, rng_below(r, 400), 4);
		l_s(&l, "\" account=\"");
		l_s(&l, a->no);
		l_s(&l, "\" sum=\"");
		l_money(&l, p->sum, '.');
		l_s(&l, "\" period=\"");
		l_period(&l, p->period);
		l_s(&l, p->m ? "\">" : "\"/>");
		if (p->m) {
			for (int z = 0; z < p->m->zones; z++) {
				l_s(&l, "\n    <Reading zone=\"");
				l_u(&l, (uint64_t)z + 1, 0);
				l_s(&l, "\" value=\"");
				l_tenths(&l, reg_at(g, p->m, z, p->read_day), '.', 0);
				l_s(&l, "\"/>");
			}
			l_s(&l, "\n  </Payment>");
		}
		if (fwrite(l.b, 1, l.n, g->gpb_body) != l.n || putc('\n', g->gpb_body) == EOF)
			die_io("write", "temporary file", EX_IOERR);
		g->gpb_count++;
		g->gpb_total += p->sum;
		break;
	case CH_QIWI:
		l_u(&l, 10000000000ULL + next_id(g, CH_QIWI, 90000000000ULL), 0);
		l_c(&l, ',');
		l_ts(&l, (int64_t)p->day * 86400 + p->secs);
		l_c(&l, ',');
		l_u(&l, 10200000 + rng_below(r, 5000), 0);
		l_c(&l, ',');
		l_s(&l, a->no);
		l_c(&l, ',');
		l_money(&l, p->sum, '.');
		l_c(&l, ',');
		l_period(&l, p->period);
		out_line(&g->qiwi, &l);
		break;
	case CH_PAYMENTS: {
		static const char *const prefix[] = {"POST-", "CASH-", "ACQ-", "PP-"};
		l_s(&l, prefix[p->source]);
		l_u(&l, next_id(g, CH_PAYMENTS, 100000000ULL), 8);
		l_c(&l, ';');
		if (p->source == SRC_POST || p->source == SRC_BANK)
			l_date(&l, p->day);
		else
			l_ts(&l, (int64_t)p->day * 86400 + p->secs);
		l_c(&l, ';');
		l_s(&l, a->no);
		l_c(&l, ';');
		l_money(&l, p->sum, '.');
		l_c(&l, ';');
		if (!p->no_period)
			l_period(&l, p->period);
		l_c(&l, ';');
		l_s(&l, source_names[p->source]);
		out_line(&g->payments, &l);
		break;
	}
	}
}

/* Portal lines for every zone of meter m read on day d from source src. */
static void emit_portal(struct gen *g, const struct acct *a, const struct meter *m, int day,
			const char *src)
{
	struct line l;

	for (int z = 0; z < m->zones; z++) {
		l_zone_head(&l, a, m, z);
		l_tenths(&l, reg_at(g, m, z, day), '.', 0);
		l_c(&l, ';');
		l_date(&l, g->first + day - 1);
		l_c(&l, ';');
		l_s(&l, src);
		out_line(&g->portal, &l);
	}
}

/*
 * An SMS with the reading.  Styles (SPEC 5.4):
 *   0 "A V1[ V2]"            1 "A*V1[*V2]"          2 "пок A V1[ V2]"
 *   3 "ЛСA Т1 V1[ Т2 V2]"    4 "ЛС A T1 V1 ..." (Latin T)
 *   5 "лс A t1 V1,5 ..."     6 "ПОК A V1[ V2]"      7 "Лс A т1 V1 ..."
 * Until every style has been used for a one-zone and a two-zone meter, a
 * sender takes the first style not yet used for its meter, so that even a
 * small run has them all.  Three-zone meters use the labelled forms only.
 */
static void emit_sms(struct gen *g, struct rng *r, const struct acct *a, const struct meter *m,
		     int day)
{
	static const int labelled[] = {3, 4, 5, 7};
	struct line l;
	int style = (int)rng_below(r, 8);
	int64_t at = (int64_t)(g->first + day - 1) * 86400 + rng_range(r, 7 * 3600, 86399);
	const char *ls = NULL, *tz = NULL;
	int dec = 0;

	if (m->zones == 3) {
		style = PICK(r, labelled);
	} else {
		unsigned *seen = &g->sms_seen[m->zones - 1];
		for (int k = 0; k < 8; k++)
			if (!(*seen & (1u << k))) {
				style = k;
				break;
			}
		*seen |= 1u << style;
	}
	l_reset(&l);
	l_ts(&l, at);
	l_c(&l, ';');
	l_s(&l, a->phones[a->nphones > 1 ? rng_below(r, (uint32_t)a->nphones) : 0]);
	l_c(&l, ';');
	switch (style) {
	case 3: ls = "ЛС"; tz = "Т"; break;
	case 4: ls = "ЛС "; tz = "T"; break;
	case 5: ls = "лс "; tz = "t"; dec = 1; break;
	case 7: ls = "Лс "; tz = "т"; break;
	}
	if (ls) {
		l_s(&l, ls);
		l_s(&l, a->no);
		for (int z = 0; z < m->zones; z++) {
			l_c(&l, ' ');
			l_s(&l, tz);
			l_u(&l, (uint64_t)z + 1, 0);
			l_c(&l, ' ');
			l_tenths(&l, reg_at(g, m, z, day), ',', dec || a->decimals);
		}
	} else {
		char sep = style == 1 ? '*' : ' ';
		if (style == 2)
			l_s(&l, "пок ");
		if (style == 6)
			l_s(&l, "ПОК ");
		l_s(&l, a->no);
		for (int z = 0; z < m->zones; z++) {
			l_c(&l, sep);
			l_tenths(&l, reg_at(g, m, z, day), ',', 0);
		}
	}
	if (g->nsms == g->capsms) {
		g->capsms = g->capsms ? g->capsms * 2 : 1024;
		g->sms = xrealloc(g->sms, g->capsms * sizeof(*g->sms));
	}
	while (g->arena_n + l.n > g->arena_cap) {
		g->arena_cap = g->arena_cap ? g->arena_cap * 2 : 65536;
		g->arena = xrealloc(g->arena, g->arena_cap);
	}
	memcpy(g->arena + g->arena_n, l.b, l.n);
	g->sms[g->nsms].at = at;
	g->sms[g->nsms].order = g->nsms;
	g->sms[g->nsms].off = g->arena_n;
	g->sms[g->nsms].len = l.n;
	g->nsms++;
	g->arena_n += l.n;
}

static void add_appeal(struct gen *g, struct rng *r, const char *account)
{
	static const int ch_w[] = {40, 20, 15, 20, 5};
	static const int kind_w[] = {700, 282, 18};
	static const int out_w[] = {930, 40, 25, 5};
	struct appeal *ap;
	int day = rng_range(r, 1, g->ndays);
	int outcome;

	if (g->nappeals == g->capappeals) {
		g->capappeals = g->capappeals ? g->capappeals * 2 : 256;
		g->appeals = xrealloc(g->appeals, g->capappeals * sizeof(*g->appeals));
	}
	ap = &g->appeals[g->nappeals++];
	memset(ap, 0, sizeof(*ap));
	if (account)
		memcpy(ap->account, account, 11);
	ap->channel = (int8_t)rng_pick(r, ch_w, 5);
	ap->kind = (int8_t)rng_pick(r, kind_w, 3);
	outcome = rng_pick(r, out_w, 4);
	/* the first appeals of a run show every case even when N is small:
	 * a complaint, an extension, a late answer, one not answered yet */
	switch (g->nappeals) {
	case 2: ap->kind = 2; break;
	case 3: outcome = 1; break;
	case 5: outcome = 2; break;
	case 7: outcome = 3; break;
	}
	ap->received = (int64_t)(g->first + day - 1) * 86400 +
		       (ap->channel == 1 || ap->channel == 2 ? rng_range(r, 0, 86399)
							     : rng_range(r, 8 * 3600, 20 * 3600));
	switch (outcome) {
	case 0:  /* answered within three days (a phone question at once),
		  * in office hours */
		if (ap->channel == 0 && ap->kind == 0) {
			ap->answered = ap->received + rng_range(r, 60, 900);
			break;
		}
		ap->answered = (ap->received / 86400 + rng_range(r, 0, 3)) * 86400 +
			       rng_range(r, 9 * 3600, 18 * 3600);
		if (ap->answered <= ap->received)
			ap->answered = ap->received + rng_range(r, 1800, 7200);
		if (ap->answered > ap->received + 3 * 86400)
			ap->answered = ap->received + 3 * 86400 - rng_range(r, 60, 3600);
		break;
	case 1: {  /* extended by up to nine weekdays after the third day */
		sdate d = (sdate)(ap->received / 86400) + 3;
		int wd = rng_range(r, 3, 9);
		while (wd > 0) {
			d++;
			if (date_weekday(d) <= 5)
				wd--;
		}
		ap->extended = d;
		ap->answered = (int64_t)(d - rng_range(r, 0, 3)) * 86400 + rng_range(r, 9 * 3600, 17 * 3600);
		if (ap->answered <= ap->received + 3 * 86400)
			ap->answered = ap->received + 3 * 86400 + 7200;
		break;
	}
	case 2:  /* late, not extended */
		ap->answered = (ap->received / 86400 + rng_range(r, 4, 6)) * 86400 +
			       rng_range(r, 9 * 3600, 18 * 3600);
		break;
	default:  /* not answered yet */
		break;
	}
}

/* Everything account a does in the month. */
static void account_month(struct gen *g, const struct acct *a)
{
	static const int rch_w[] = {30, 5, 0, 0, 25, 40};     /* reading channel */
	static const int pch_w[] = {45, 10, 12, 33};          /* payment channel */
	static const int src_w[] = {12, 8, 13, 0};            /* payments sources */
	static const int psrc_w[] = {40, 15, 15, 10, 20, 0};  /* portal sources */
	struct rng r;
	const struct meter *m = &a->m[0];
	int reader, payer, rch = -1, rday = 0;

	rng_seed(&r, g->seed ^ 0x5eed, (uint64_t)strtoull(a->no, NULL, 10));

	if (a->legal) {
		/* readings: every meter at the end of the month (24:00 of its
		 * last day, the 00:00 of the 1st that closes the month, SPEC 7)
		 * through the portal; the draw of the day before the calendar
		 * month is kept so that the other accounts' data stay the same */
		if (rng_chance(&r, 950)) {
			int day = g->ndays;

			(void)rng_range(&r, 20, 25);
			for (int i = 0; i < a->nmeters; i++)
				emit_portal(g, a, &a->m[i], day, rng_chance(&r, 800) ? "lkk" : "site");
		}
		if (!a->debtor) {
			/* final settlement for P-1 by the 18th, advances of 30 % by
			 * the 10th and 40 % by the 25th for P (payment orders) */
			static const int due[] = {18, 10, 25}, share[] = {30, 30, 40};
			for (int k = 0; k < 3; k++) {
				struct pay p = {0};
				int day = due[k] - rng_range(&r, 0, 3);
				p.ch = CH_PAYMENTS;
				p.source = SRC_BANK;
				p.day = g->first + day - 1;
				p.sum = money_round((__int128)a->bill * share[k] * rng_range(&r, 95, 105), 10000);
				p.period = k == 0 ? g->period - 1 : g->period;
				emit_payment(g, &r, a, &p);
			}
		}
		if (rng_chance(&r, 150))
			add_appeal(g, &r, a->no);
		return;
	}

	/* a meter about to wrap is always read: the fixtures show a rollover */
	reader = m->rollover || rng_chance(&r, a->debtor ? 300 : 620);
	payer = !a->debtor && rng_chance(&r, 895);
	if (reader) {
		rch = rng_pick(&r, rch_w, 6);
		if ((rch == CH_SBER || rch == CH_GPB) && !payer)
			rch = CH_PORTAL;
		if (rch == CH_SMS && a->nphones == 0)
			rch = CH_PORTAL;
		rday = read_day(g, &r);
		if (rch == CH_SMS)
			emit_sms(g, &r, a, m, rday);
		else if (rch == CH_PORTAL)
			emit_portal(g, a, m, rday, portal_sources[rng_pick(&r, psrc_w, 6)]);
		/* some send again a few days later through the portal */
		if (rng_chance(&r, 50) && rday + 3 <= g->ndays)
			emit_portal(g, a, m, rday + 3, "lkk");
	}
	/* control readings by an inspector, after the window */
	if (rng_chance(&r, 20)) {
		int day = rng_range(&r, 26, g->ndays);
		if (date_weekday(g->first + day - 1) > 5)
			day -= date_weekday(g->first + day - 1) - 5;
		emit_portal(g, a, m, day, "inspector");
	}
	if (payer) {
		struct pay p = {0};
		int per = (int)rng_below(&r, 100);
		int twin = rng_chance(&r, 10);

		p.sum = a->bill;
		if (rng_chance(&r, 300))  /* rounded up to whole hundreds of roubles */
			p.sum = (p.sum + 9999) / 10000 * 10000;
		p.period = per < 85 ? g->period - 1 : per < 95 ? g->period : g->period - 2;
		if (rch == CH_SBER || rch == CH_GPB) {
			p.ch = rch;
			p.m = m;
			p.read_day = rday;
			p.day = g->first + rday - 1;
		} else {
			p.ch = rng_pick(&r, pch_w, 4);
			p.day = g->first + pay_day(g, &r) - 1;
		}
		if (p.ch == CH_PAYMENTS) {
			p.source = rng_pick(&r, src_w, 4);
			p.no_period = rng_chance(&r, 60);
		}
		p.secs = p.source == SRC_ACQUIRING ? rng_range(&r, 0, 86399) : rng_range(&r, 8 * 3600, 21 * 3600);
		struct pay last = p;

		if (p.ch == CH_SBER && g->sber_payments > 1) {
			/* K payments spread over the month, the readings on the one
			 * whose slot holds the reading day */
			int k = g->sber_payments, slot = p.m ? (rday - 1) * k / g->ndays : -1;
			money left = p.sum;
			for (int j = 0; j < k; j++) {
				struct pay q = p;
				int lo = 1 + j * g->ndays / k, hi = (j + 1) * g->ndays / k;
				q.sum = j == k - 1 ? left : money_round((__int128)p.sum, k);
				left -= q.sum;
				q.m = j == slot ? p.m : NULL;
				q.day = j == slot ? p.day : g->first + rng_range(&r, lo, hi < lo ? lo : hi) - 1;
				q.secs = rng_range(&r, 8 * 3600, 21 * 3600);
				emit_payment(g, &r, a, &q);
				last = q;
			}
		} else {
			emit_payment(g, &r, a, &p);
		}
		if (twin) {
			/* the same sum the same day again: a second, distinct payment */
			last.m = NULL;
			last.secs += rng_range(&r, 60, 900);
			if (last.secs > 86399)
				last.secs = 86399;
			emit_payment(g, &r, a, &last);
		}
	}
	if (rng_chance(&r, 80))
		add_appeal(g, &r, a->no);
}

/* ------------------------------------------------------------------ */
/* Finishing: gazprombank registry, SMS log, journals. */

static void finish_gpb(struct gen *g)
{
	char buf[65536];
	size_t k;
	struct line l;

	l_reset(&l);
	l_s(&l, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Registry bank=\"GPB\" date=\"");
	l_date(&l, g->last);
	l_s(&l, "\" count=\"");
	l_u(&l, (uint64_t)g->gpb_count, 0);
	l_s(&l, "\" total=\"");
	l_money(&l, g->gpb_total, '.');
	l_s(&l, "\">");
	out_line(&g->gpb_final, &l);
	rewind(g->gpb_body);
	while ((k = fread(buf, 1, sizeof(buf), g->gpb_body)) > 0)
		if (fwrite(buf, 1, k, g->gpb_final.f) != k)
			die_io("write", g->gpb_final.path, EX_IOERR);
	if (ferror(g->gpb_body))
		die_io("read", "temporary file", EX_IOERR);
	fclose(g->gpb_body);
	g->gpb_body = NULL;
	l_reset(&l);
	l_s(&l, "</Registry>");
	out_line(&g->gpb_final, &l);
	out_close(g, &g->gpb_final);
}

static int sms_cmp(const void *x, const void *y)
{
	const struct sms *a = x, *b = y;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void finish_sms(struct gen *g)
{
	struct out o;
	char rel[64];

	snprintf(rel, sizeof(rel), "inbox/sms/sms-%s.log", g->pbuf);
	out_open(g, &o, rel);
	if (g->nsms)
		qsort(g->sms, g->nsms, sizeof(*g->sms), sms_cmp);
	for (size_t i = 0; i < g->nsms; i++)
		if (fwrite(g->arena + g->sms[i].off, 1, g->sms[i].len, o.f) != g->sms[i].len ||
		    putc('\n', o.f) == EOF)
			die_io("write", o.path, EX_IOERR);
	out_close(g, &o);
	free(g->sms);
	free(g->arena);
}

static int appeal_cmp(const void *x, const void *y)
{
	const struct appeal *a = x, *b = y;
	int c;

	if (a->received != b->received)
		return a->received < b->received ? -1 : 1;
	c = strcmp(a->account, b->account);
	return c ? c : (a->kind > b->kind) - (a->kind < b->kind);
}

static int call_cmp(const void *x, const void *y)
{
	const struct call *a = x, *b = y;

	if (a->queued != b->queued)
		return a->queued < b->queued ? -1 : 1;
	return (a->ended > b->ended) - (a->ended < b->ended);
}

static void finish_journals(struct gen *g)
{
	struct out o;
	struct line l;
	struct rng r;
	struct call *calls;
	int64_t ncalls = g->n * 15 / 100 + 20;
	int y, mo;

	period_to_ym(g->period, &y, &mo);
	/* appeals without an account: a tenth of the rest */
	rng_seed(&r, g->seed, 0xa99ea1);
	for (size_t i = 0, k = g->nappeals / 10 + 1; i < k; i++)
		add_appeal(g, &r, NULL);
	if (g->nappeals)
		qsort(g->appeals, g->nappeals, sizeof(*g->appeals), appeal_cmp);
	out_open(g, &o, "journal/appeals.csv");
	l_reset(&l);
	l_s(&l, "id;received_at;channel;kind;account;answered_at;extended_to");
	out_line(&o, &l);
	for (size_t i = 0; i < g->nappeals; i++) {
		const struct appeal *ap = &g->appeals[i];
		l_reset(&l);
		l_s(&l, "ОБ-");
		l_u(&l, (uint64_t)y, 4);
		l_u(&l, (uint64_t)mo, 2);
		l_c(&l, '-');
		l_u(&l, i + 1, 6);
		l_c(&l, ';');
		l_ts(&l, ap->received);
		l_c(&l, ';');
		l_s(&l, appeal_channels[ap->channel]);
		l_c(&l, ';');
		l_s(&l, appeal_kinds[ap->kind]);
		l_c(&l, ';');
		l_s(&l, ap->account);
		l_c(&l, ';');
		if (ap->answered)
			l_ts(&l, ap->answered);
		l_c(&l, ';');
		if (ap->extended)
			l_date(&l, ap->extended);
		out_line(&o, &l);
	}
	out_close(g, &o);
	free(g->appeals);

	/* calls: more on payment days (1-10) and in the readings window */
	calls = xrealloc(NULL, (size_t)ncalls * sizeof(*calls));
	rng_seed(&r, g->seed, 0xca11);
	for (int64_t i = 0; i < ncalls; i++) {
		static const int day_w[] = {35, 45, 20}, topic_w[] = {35, 30, 25, 10};
		static const int talk[][2] = {{40, 150}, {60, 240}, {90, 330}, {45, 300}};
		struct call *c = &calls[i];
		int part = rng_pick(&r, day_w, 3);
		int day = part == 0 ? rng_range(&r, 1, 10) : part == 1 ? rng_range(&r, 15, 25)
			: rng_range(&r, 11, g->ndays);
		int close = part == 1 ? 21 * 3600 : 20 * 3600;

		c->topic = (int8_t)rng_pick(&r, topic_w, 4);
		c->queued = (int64_t)(g->first + day - 1) * 86400 + rng_range(&r, 8 * 3600, close - 1);
		c->abandoned = (int8_t)rng_chance(&r, 90);
		if (c->abandoned) {
			c->answered = 0;
			c->ended = c->queued + rng_range(&r, 5, 180);
		} else {
			/* waits: mostly under a minute, a tail up to five */
			int wait = rng_chance(&r, 850) ? rng_range(&r, 3, 60) : rng_range(&r, 60, 300);
			c->answered = c->queued + wait;
			c->ended = c->answered + rng_range(&r, talk[c->topic][0], talk[c->topic][1]);
		}
	}
	qsort(calls, (size_t)ncalls, sizeof(*calls), call_cmp);
	out_open(g, &o, "journal/calls.csv");
	l_reset(&l);
	l_s(&l, "call_id;queued_at;answered_at;ended_at;topic;abandoned");
	out_line(&o, &l);
	for (int64_t i = 0; i < ncalls; i++) {
		const struct call *c = &calls[i];
		l_reset(&l);
		l_s(&l, "КЦ-");
		l_u(&l, (uint64_t)y, 4);
		l_u(&l, (uint64_t)mo, 2);
		l_c(&l, '-');
		l_u(&l, (uint64_t)i + 1, 7);
		l_c(&l, ';');
		l_ts(&l, c->queued);
		l_c(&l, ';');
		if (c->answered)
			l_ts(&l, c->answered);
		l_c(&l, ';');
		l_ts(&l, c->ended);
		l_c(&l, ';');
		l_s(&l, call_topics[c->topic]);
		l_s(&l, c->abandoned ? ";1" : ";0");
		out_line(&o, &l);
	}
	out_close(g, &o);
	free(calls);
}

/* ------------------------------------------------------------------ */

static void write_branches(struct gen *g)
{
	struct line l;

	out_open(g, &g->branches_f, "branches.csv");
	l_reset(&l);
	l_s(&l, "code;name;address;phone");
	out_line(&g->branches_f, &l);
	for (int b = 0; b < g->branches; b++) {
		const char *const *bb = base_branches[b % 5];
		l_reset(&l);
		l_u(&l, (uint64_t)b + 1, 2);
		l_c(&l, ';');
		l_s(&l, bb[0]);
		if (b >= 5) {
			l_s(&l, ", участок ");
			l_u(&l, (uint64_t)b / 5 + 1, 0);
		}
		l_c(&l, ';');
		l_s(&l, bb[1]);
		l_c(&l, ';');
		/* the office's number, one more per extra участок */
		l_s(&l, bb[2]);
		l.n -= 2;
		l_u(&l, (uint64_t)(b / 5), 2);
		out_line(&g->branches_f, &l);
	}
	out_close(g, &g->branches_f);
}

static void header(struct out *o, const char *text)
{
	struct line l;

	l_reset(&l);
	l_s(&l, text);
	out_line(o, &l);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gen --accounts N --period YYYY-MM --out DIR [--seed S] [--branches B]\n"
		"           [--sber-lines L] [--sber-payments K] [--usage]\n"
		"Writes master data (SPEC 4), a month of channel files under DIR/inbox/\n"
		"(SPEC 5) and the appeal and call journals under DIR/journal/ (SPEC 11),\n"
		"the same bytes for the same options.\n"
		"  --accounts N        accounts to make (1 .. 99 x 999999 per branch)\n"
		"  --period YYYY-MM    the month of the channel files\n"
		"  --out DIR           output folder, created when missing\n"
		"  --seed S            seed of every random choice (default 1)\n"
		"  --branches B        branches 1..99 (default 2, or N/100000 up to 20)\n"
		"  --sber-lines L      payment lines per Sberbank file (default 100000)\n"
		"  --sber-payments K   Sberbank payments per paying account (default 1)\n"
		"  --usage             also usage.csv: account;meter;zone;tenths, each zone's\n"
		"                      consumption over the period in tenths of kWh\n");
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "gen: %s\nTry \"gen --help\" for more information.\n", msg);
	return EX_USAGE;
}

static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"accounts", required_argument, NULL, 'n'},
		{"period", required_argument, NULL, 'p'},
		{"seed", required_argument, NULL, 's'},
		{"out", required_argument, NULL, 'o'},
		{"branches", required_argument, NULL, 'b'},
		{"sber-lines", required_argument, NULL, 'L'},
		{"sber-payments", required_argument, NULL, 'K'},
		{"usage", no_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct gen g;
	struct timespec t0, t1;
	int c, have_period = 0;
	int64_t v, ordinal = 0;
	char rel[96];

	memset(&g, 0, sizeof(g));
	g.seed = 1;
	g.sber_lines = 100000;
	g.sber_payments = 1;
	g.n = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_int(optarg, 1, 99LL * 999999, &v) < 0)
				return usage_error("--accounts wants a positive count");
			g.n = v;
			break;
		case 'p':
			if (period_parse(optarg, -1, &g.period) < 0)
				return usage_error("--period wants YYYY-MM");
			have_period = 1;
			break;
		case 's':
			if (parse_int(optarg, 0, INT64_MAX, &v) < 0)
				return usage_error("--seed wants a non-negative integer");
			g.seed = (uint64_t)v;
			break;
		case 'o':
			g.dir = optarg;
			break;
		case 'b':
			if (parse_int(optarg, 1, 99, &v) < 0)
				return usage_error("--branches wants 1..99");
			g.branches = (int)v;
			break;
		case 'L':
			if (parse_int(optarg, 1, 100000, &v) < 0)
				return usage_error("--sber-lines wants 1..100000");
			g.sber_lines = (int)v;
			break;
		case 'K':
			if (parse_int(optarg, 1, 28, &v) < 0)
				return usage_error("--sber-payments wants 1..28");
			g.sber_payments = (int)v;
			break;
		case 'u':
			g.want_usage = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("unknown option");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument");
	if (g.n < 0 || !have_period || !g.dir)
		return usage_error("--accounts, --period and --out are required");
	if (!g.branches) {
		g.branches = (int)(g.n / 100000);
		g.branches = g.branches < 2 ? 2 : g.branches > 20 ? 20 : g.branches;
	}
	if (g.n > (int64_t)g.branches * 999999)
		return usage_error("too many accounts for the branches (999999 each)");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	g.first = period_first(g.period);
	g.last = period_last(g.period);
	g.ndays = g.last - g.first + 1;
	period_format(g.period, g.pbuf);
	g.cp1251 = iconv_open("CP1251", "UTF-8");
	if (g.cp1251 == (iconv_t)-1) {
		fprintf(stderr, "gen: error: iconv cannot convert UTF-8 to CP1251\n");
		return EX_SOFTWARE;
	}
	make_dirs(g.dir, "");
	make_dirs(g.dir, "journal");
	static const char *const channels[] = {"sberbank", "gazprombank", "qiwi", "payments", "sms", "portal"};
	for (int i = 0; i < NELEM(channels); i++) {
		snprintf(rel, sizeof(rel), "inbox/%s", channels[i]);
		make_dirs(g.dir, rel);
	}

	write_branches(&g);
	out_open(&g, &g.accounts, "accounts.csv");
	header(&g.accounts, "account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on");
	out_open(&g, &g.meters, "meters.csv");
	header(&g.meters, "account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3");
	out_open(&g, &g.contracts, "contracts.csv");
	header(&g.contracts, "account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id");
	out_open(&g, &g.reserves, "reserves.csv");
	header(&g.reserves, "account;tech_kw;emergency_kw;no_below_emergency;authority_emails");
	out_open(&g, &g.balances, "balances.csv");
	if (g.want_usage) {
		out_open(&g, &g.usage, "usage.csv");
		header(&g.usage, "account;meter;zone;tenths");
	}
	header(&g.balances, "account;period;due;amount");
	snprintf(rel, sizeof(rel), "inbox/qiwi/qiwi-%s.csv", g.pbuf);
	out_open(&g, &g.qiwi, rel);
	header(&g.qiwi, "txn_id,datetime,terminal_id,account,amount,period");
	snprintf(rel, sizeof(rel), "inbox/payments/payments-%s.csv", g.pbuf);
	out_open(&g, &g.payments, rel);
	header(&g.payments, "txn_id;paid_at;account;sum;period;source");
	snprintf(rel, sizeof(rel), "inbox/portal/portal-%s.csv", g.pbuf);
	out_open(&g, &g.portal, rel);
	header(&g.portal, "account;meter;zone;value;taken_on;source");
	snprintf(rel, sizeof(rel), "inbox/gazprombank/gpb-%s.xml", g.pbuf);
	out_open(&g, &g.gpb_final, rel);
	g.gpb_body = tmpfile();
	if (!g.gpb_body)
		die_io("create", "temporary file", EX_CANTCREAT);

	for (int b = 0; b < g.branches; b++) {
		int64_t size = g.n / g.branches + (b < g.n % g.branches);
		for (int s = 1; s <= size; s++) {
			struct acct a;
			make_account(&g, &a, ordinal++, b, s);
			write_master(&g, &a);
			write_balances(&g, &a);
			account_month(&g, &a);
		}
	}

	sber_close(&g);
	/* parts left from an earlier, larger run would be read as new files */
	for (int p = g.sber_part + 1; ; p++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/inbox/sberbank/sber-%s-p%02d.txt", g.dir, g.pbuf, p);
		if (unlink(path) < 0)
			break;
	}
	out_close(&g, &g.accounts);
	out_close(&g, &g.meters);
	out_close(&g, &g.contracts);
	out_close(&g, &g.reserves);
	out_close(&g, &g.balances);
	if (g.want_usage)
		out_close(&g, &g.usage);
	out_close(&g, &g.qiwi);
	out_close(&g, &g.payments);
	out_close(&g, &g.portal);
	finish_gpb(&g);
	finish_sms(&g);
	finish_journals(&g);
	iconv_close(g.cp1251);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "gen: accounts=%lld files=%lld bytes=%lld seconds=%.2f\n", (long long)g.n,
		(long long)g.files, (long long)g.bytes,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
