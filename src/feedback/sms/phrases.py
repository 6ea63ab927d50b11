"""The fixed texts the SMS service sends, in English, Arabic and Polish.

The Arabic and Polish texts are DRAFTS awaiting review by the partnership's translators, as
the surveys' own ar/pl texts are. Command words (FEEDBACK, SKIP, BACK, HELP, STOP) stay in
Latin letters in every language: they are what the service understands in a reply. The
help lines (`card_help_line`, and `sms_help_reply` for HELP) are operator settings, checked
at start-up against feedback.wording like every phrase here (tests/test_wording.py): a text
stays on the phone, so none names the subject.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "welcome": {
        "en": "Thank you. There are up to {count} short questions. Your answers are anonymous. "
        "Reply SKIP to skip a question, BACK to go back, HELP for help, STOP to stop.",
        "ar": "شكرًا لك. هناك حتى {count} أسئلة قصيرة. إجاباتك لا تحمل اسمك. أرسل SKIP لتخطي "
        "سؤال، وBACK للرجوع، وHELP للمساعدة، وSTOP للتوقف.",
        "pl": "Dziękujemy. Pytań jest najwyżej {count}, są krótkie. Odpowiedzi są anonimowe. "
        "Odpisz SKIP, aby pominąć pytanie, BACK, aby wrócić, HELP po pomoc, STOP, aby przerwać.",
    },
    "stopped": {
        "en": "You will not get any more messages from us. Nothing you sent has been kept.",
        "ar": "لن تصلك أي رسائل أخرى منا. لم نحتفظ بأي شيء أرسلته.",
        "pl": "Nie dostaniesz od nas więcej wiadomości. Nic z tego, co wysłano, nie zostało "
        "zachowane.",
    },
    "unknown": {
        "en": "Sorry, we could not find that. "
        "To answer, text FEEDBACK and the code you were given.",
        "ar": "عذرًا، لم نجد ذلك. للإجابة، أرسل FEEDBACK والرمز الذي أُعطي لك.",
        "pl": "Niestety nie znaleźliśmy tego. Aby odpowiedzieć, wyślij FEEDBACK i otrzymany kod.",
    },
    "closed": {
        "en": "Sorry, this survey is closed now. Thank you for your time.",
        "ar": "عذرًا، هذا الاستطلاع مغلق الآن. شكرًا لوقتك.",
        "pl": "Niestety ta ankieta jest już zamknięta. Dziękujemy za poświęcony czas.",
    },
    "needs_answer": {
        "en": "This one needs an answer.",
        "ar": "هذا السؤال يحتاج إلى إجابة.",
        "pl": "To pytanie wymaga odpowiedzi.",
    },
    "or_skip": {
        "en": "Or reply SKIP to move on.",
        "ar": "أو أرسل SKIP للمتابعة.",
        "pl": "Albo odpisz SKIP, aby przejść dalej.",
    },
    "receipt": {
        "en": "Thank you. Your receipt code is {code}. Keep it if you might want to withdraw "
        "your answers or see what changed: {url}",
        "ar": "شكرًا لك. رمز الإيصال هو {code}. "
        "احتفظ به إن أردت سحب إجاباتك أو معرفة ما تغيّر: {url}",
        "pl": "Dziękujemy. Twój kod potwierdzenia to {code}. Zachowaj go, aby móc wycofać "
        "odpowiedzi lub zobaczyć, co się zmieniło: {url}",
    },
    # The end-of-support survey's first text after the welcome: her code from the start of
    # support, so both sets of answers count together.
    "pairing_ask": {
        "en": "If you kept the code from the questions you answered when your support "
        "started, reply with it now, so your answers then and now are counted together. "
        "It does not tell anyone who you are. Or reply SKIP.",
        "ar": "إن احتفظت بالرمز من الأسئلة التي أجبت عنها عند بدء الدعم، أرسله الآن لتُحسب "
        "إجاباتك آنذاك والآن معًا. الرمز لا يكشف هويتك لأحد. أو أرسل SKIP.",
        "pl": "Jeśli masz kod z pytań z początku wsparcia, odpisz nim teraz, aby odpowiedzi "
        "z wtedy i z teraz policzono razem. Kod nie mówi nikomu, kim jesteś. Albo odpisz SKIP.",
    },
    "pairing_retry": {
        "en": "Check the code and reply with it again, or reply SKIP.",
        "ar": "تحقق من الرمز وأرسله مرة أخرى، أو أرسل SKIP.",
        "pl": "Sprawdź kod i odpisz nim ponownie albo odpisz SKIP.",
    },
    "pairing_kept": {
        "en": "Thank you, your answers then and now will be counted together.",
        "ar": "شكرًا لك، ستُحسب إجاباتك آنذاك والآن معًا.",
        "pl": "Dziękujemy, odpowiedzi z wtedy i z teraz zostaną policzone razem.",
    },
    "pairing_no_more": {
        "en": "Sorry, no more codes can be checked from this phone for now. Your answers "
        "will be counted on their own.",
        "ar": "عذرًا، لا يمكن التحقق من رموز أخرى من هذا الهاتف الآن. ستُحسب إجاباتك وحدها.",
        "pl": "Niestety z tego telefonu nie można teraz sprawdzić więcej kodów. Odpowiedzi "
        "zostaną policzone osobno.",
    },
}
LANGUAGES = ("en", "ar", "pl")


def sms_phrase(key: str, language: str, **values: object) -> str:
    """The phrase in `language` (English when it has none), with its placeholders filled."""
    texts = PHRASES[key]
    return (texts.get(language) or texts["en"]).format(**values)
