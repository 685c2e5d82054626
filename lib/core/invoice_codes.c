/* SPDX-License-Identifier: MIT */
/* invoice_codes.c -- VAT categories and units of measure with their printed words (see
 * invoice_codes.h). A new language is one more column in both tables (and in the
 * renderer's labels); a new unit is one more row, with its name in every language. */
#include <string.h>
#include "core/invoice_codes.h"

enum { L_EN, L_DE, L_NB, L_PL, L_COUNT };

static int lang_index(const char *lang)
{
    if (lang && !strcmp(lang, "de"))
        return L_DE;
    if (lang && !strcmp(lang, "nb"))
        return L_NB;
    if (lang && !strcmp(lang, "pl"))
        return L_PL;
    return L_EN;
}

/* ---- VAT categories (UNCL5305, EN 16931) ---------------------------------------------- */

typedef struct category {
    const char *code;
    const char *vatex;
    const char *note[L_COUNT];
} category;

static const category CATEGORIES[] = {
    {"S", "", {"", "", "", ""}},
    {"Z", "", {"", "", "", ""}},
    {"E", "", {"", "", "", ""}},
    {"AE",
     "VATEX-EU-AE",
     {"Reverse charge: VAT is to be accounted for by the recipient (Article 196 of Council "
      "Directive 2006/112/EC).",
      "Steuerschuldnerschaft des Leistungsempfängers (Art. 196 der Richtlinie 2006/112/EG).",
      "Omvendt avgiftsplikt: kjøperen skal beregne og betale merverdiavgiften (artikkel 196 "
      "i direktiv 2006/112/EF).",
      "Odwrotne obciążenie: podatek rozlicza nabywca (art. 196 dyrektywy 2006/112/WE)."}},
    {"K",
     "VATEX-EU-IC",
     {"Exempt intra-Community supply of goods (Article 138 of Council Directive "
      "2006/112/EC).",
      "Steuerfreie innergemeinschaftliche Lieferung (Art. 138 der Richtlinie 2006/112/EG).",
      "Avgiftsfri leveranse av varer innenfor EU (artikkel 138 i direktiv 2006/112/EF).",
      "Wewnątrzwspólnotowa dostawa towarów, zwolniona z podatku (art. 138 dyrektywy "
      "2006/112/WE)."}},
    {"G",
     "VATEX-EU-G",
     {"Export of goods outside the EU, exempt from VAT (Article 146 of Council Directive "
      "2006/112/EC).",
      "Steuerfreie Ausfuhrlieferung (Art. 146 der Richtlinie 2006/112/EG).",
      "Utførsel av varer, fritatt for merverdiavgift (artikkel 146 i direktiv 2006/112/EF).",
      "Eksport towarów, zwolniony z podatku (art. 146 dyrektywy 2006/112/WE)."}},
    {"O",
     "VATEX-EU-O",
     {"Not subject to VAT.", "Nicht der Umsatzsteuer unterliegend.",
      "Ikke omfattet av merverdiavgiftsloven.", "Niepodlegające opodatkowaniu VAT."}},
};

static const category *find_category(const char *code)
{
    for (size_t i = 0; code && i < sizeof(CATEGORIES) / sizeof(CATEGORIES[0]); i++)
        if (!strcmp(CATEGORIES[i].code, code))
            return &CATEGORIES[i];
    return NULL;
}

bool fk_vat_category_known(const char *code)
{
    return find_category(code) != NULL;
}

bool fk_vat_category_taxed(const char *code)
{
    return code && !strcmp(code, "S");
}

const char *fk_vat_category_vatex(const char *code)
{
    const category *c = find_category(code);
    return c ? c->vatex : "";
}

const char *fk_vat_category_note(const char *code, const char *lang)
{
    const category *c = find_category(code);
    return c ? c->note[lang_index(lang)] : "";
}

const char *fk_vat_exempt_prefix(const char *lang)
{
    static const char *const prefix[L_COUNT] = {"VAT exempt: ", "Steuerbefreit: ",
                                                "Fritatt for merverdiavgift: ",
                                                "Zwolnione z VAT: "};
    return prefix[lang_index(lang)];
}

/* ---- Units (UN/ECE Recommendation 20) ---------------------------------------------------- */

typedef struct unit {
    const char *code;
    const char *name[L_COUNT];
} unit;

static const unit UNITS[] = {
    {"C62", {"pc", "Stk.", "stk", "szt."}},
    {"H87", {"pc", "Stk.", "stk", "szt."}},
    {"EA", {"each", "Stk.", "stk", "szt."}},
    {"SET", {"set", "Satz", "sett", "kpl."}},
    {"PR", {"pair", "Paar", "par", "para"}},
    {"LS", {"lump sum", "pauschal", "rundsum", "ryczałt"}},
    {"E48", {"service", "Leistung", "tjeneste", "usługa"}},
    {"MIN", {"min", "Min.", "min", "min"}},
    {"HUR", {"h", "Std.", "t", "godz."}},
    {"DAY", {"day", "Tag", "dag", "dzień"}},
    {"WEE", {"week", "Woche", "uke", "tydz."}},
    {"MON", {"month", "Monat", "mnd.", "mies."}},
    {"ANN", {"year", "Jahr", "år", "rok"}},
    {"GRM", {"g", "g", "g", "g"}},
    {"KGM", {"kg", "kg", "kg", "kg"}},
    {"TNE", {"t", "t", "t", "t"}},
    {"MMT", {"mm", "mm", "mm", "mm"}},
    {"CMT", {"cm", "cm", "cm", "cm"}},
    {"MTR", {"m", "m", "m", "m"}},
    {"KMT", {"km", "km", "km", "km"}},
    {"MTK", {"m²", "m²", "m²", "m²"}},
    {"MTQ", {"m³", "m³", "m³", "m³"}},
    {"MLT", {"ml", "ml", "ml", "ml"}},
    {"LTR", {"l", "l", "l", "l"}},
    {"KWH", {"kWh", "kWh", "kWh", "kWh"}},
};

static const unit *find_unit(const char *code)
{
    for (size_t i = 0; code && i < sizeof(UNITS) / sizeof(UNITS[0]); i++)
        if (!strcmp(UNITS[i].code, code))
            return &UNITS[i];
    return NULL;
}

bool fk_unit_known(const char *code)
{
    return find_unit(code) != NULL;
}

const char *fk_unit_name(const char *code, const char *lang)
{
    const unit *u = find_unit(code && code[0] ? code : "C62");
    return u ? u->name[lang_index(lang)] : code;
}

const char *fk_unit_codes(void)
{
    return "C62 H87 EA SET PR LS E48 MIN HUR DAY WEE MON ANN GRM KGM TNE MMT CMT MTR KMT "
           "MTK MTQ MLT LTR KWH";
}
