"""The frame of every respondent page (exit control, help footer, buttons, hints) in each
language a survey is offered in, so a page in Arabic or Polish is not Arabic inside an
English frame.

The Arabic and Polish texts are DRAFTS awaiting review by the partnership's translators,
as the surveys' own ar/pl texts are; the page says so (the survey's `draft_translation`
phrase). A language with no frame text falls back to English, phrase by phrase. Phone
numbers are placeholders filled here as `tel:` links, so no translation can break one.
"""

from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["FRAME", "frame_phrase", "frame_text"]

FRAME: dict[str, dict[str, str]] = {
    "exit": {"en": "Exit this page", "ar": "اخرج من هذه الصفحة", "pl": "Opuść tę stronę"},
    "help_heading": {
        "en": "If you need help now",
        "ar": "إذا كنتِ بحاجة إلى مساعدة الآن",
        "pl": "Jeśli potrzebujesz pomocy teraz",
    },
    "help_emergency": {
        "en": "In an emergency, call {999}. If you cannot speak, call 999 from a mobile and "
        "press 55 when asked.",
        "ar": "في حالة الطوارئ، اتصلي بالرقم {999}. إذا لم تستطيعي الكلام، اتصلي بالرقم 999 من "
        "هاتف محمول واضغطي 55 عندما يُطلب منك ذلك.",
        "pl": "W nagłym wypadku zadzwoń pod {999}. Jeśli nie możesz mówić, zadzwoń pod 999 z "
        "komórki i naciśnij 55, gdy usłyszysz prośbę.",
    },
    "help_helpline": {
        "en": "National Domestic Abuse Helpline, free and open 24 hours: {helpline}.",
        "ar": "الخط الوطني للمساعدة في حالات الإساءة المنزلية، مجاني ومتاح على مدار 24 ساعة: "
        "{helpline}.",
        "pl": "Krajowa infolinia ds. przemocy domowej, bezpłatna i czynna całą dobę: {helpline}.",
    },
    "help_childline": {
        "en": "Childline, for children and young people, free: {childline}.",
        "ar": "خط Childline للأطفال والشباب، مجاني: {childline}.",
        "pl": "Childline, dla dzieci i młodzieży, bezpłatnie: {childline}.",
    },
    "help_leave": {
        "en": "To leave quickly, use “Exit this page” or press the Shift key 3 times.",
        "ar": "للمغادرة بسرعة، استخدمي «اخرج من هذه الصفحة» أو اضغطي مفتاح Shift ثلاث مرات.",
        "pl": "Aby szybko wyjść, użyj „Opuść tę stronę” albo naciśnij 3 razy klawisz Shift.",
    },
    "staying_safe": {
        "en": "Staying safe when you use this site",
        "ar": "كيف تبقين آمنة عند استخدام هذا الموقع",
        "pl": "Jak zachować bezpieczeństwo, korzystając z tej strony",
    },
    "languages": {"en": "Language", "ar": "اللغة", "pl": "Język"},
    "problem": {"en": "There is a problem", "ar": "هناك مشكلة", "pl": "Wystąpił problem"},
    "send": {"en": "Send my answers", "ar": "أرسلي إجاباتي", "pl": "Wyślij moje odpowiedzi"},
    "no_names": {
        "en": "Please do not write anyone's name here.",
        "ar": "من فضلك لا تكتبي اسم أي شخص هنا.",
        "pl": "Prosimy, nie wpisuj tu niczyjego imienia.",
    },
    "only_if": {
        "en": "Only if you answered “{answers}” above.",
        "ar": "فقط إذا كانت إجابتك أعلاه «{answers}».",
        "pl": "Tylko jeśli powyżej odpowiedziałaś/eś „{answers}”.",
    },
    "no_thanks": {"en": "No thanks", "ar": "لا، شكرًا", "pl": "Nie, dziękuję"},
    "declined": {
        "en": "Nothing has been saved. You can close this page.",
        "ar": "لم يُحفظ أي شيء. يمكنك إغلاق هذه الصفحة.",
        "pl": "Nic nie zostało zapisane. Możesz zamknąć tę stronę.",
    },
    "danger_heading": {
        "en": "If you are in danger now, call 999",
        "ar": "إذا كنتِ في خطر الآن، اتصلي بالرقم 999",
        "pl": "Jeśli grozi Ci teraz niebezpieczeństwo, zadzwoń pod 999",
    },
    "danger_body": {
        "en": "If you cannot speak, call 999 from a mobile and press 55 when asked. The "
        "National Domestic Abuse Helpline is free, day and night: {helpline}.",
        "ar": "إذا لم تستطيعي الكلام، اتصلي بالرقم 999 من هاتف محمول واضغطي 55 عندما يُطلب منك "
        "ذلك. الخط الوطني للمساعدة في حالات الإساءة المنزلية مجاني ليلًا ونهارًا: {helpline}.",
        "pl": "Jeśli nie możesz mówić, zadzwoń pod 999 z komórki i naciśnij 55, gdy usłyszysz "
        "prośbę. Krajowa infolinia ds. przemocy domowej jest bezpłatna, w dzień i w nocy: "
        "{helpline}.",
    },
    "danger_cannot": {
        "en": "This site cannot contact you or send help: please call if you need it.",
        "ar": "لا يستطيع هذا الموقع التواصل معك أو إرسال المساعدة: من فضلك اتصلي إن احتجتِ ذلك.",
        "pl": "Ta strona nie może się z Tobą skontaktować ani wezwać pomocy: zadzwoń, jeśli "
        "jej potrzebujesz.",
    },
    "thank_you": {"en": "Thank you", "ar": "شكرًا لك", "pl": "Dziękujemy"},
    "sent": {
        "en": "Your answers have been sent.",
        "ar": "تم إرسال إجاباتك.",
        "pl": "Twoje odpowiedzi zostały wysłane.",
    },
    "receipt_heading": {
        "en": "Your receipt code",
        "ar": "رمز الإيصال الخاص بك",
        "pl": "Twój kod potwierdzenia",
    },
    "receipt_keep": {
        "en": "Keep this code somewhere safe if you can. With it you can {withdraw} or "
        "{changes}. Nobody else can link the code to you.",
        "ar": "احتفظي بهذا الرمز في مكان آمن إن استطعت. به يمكنك {withdraw} أو {changes}. "
        "لا يستطيع أحد غيرك ربط الرمز بك.",
        "pl": "Jeśli możesz, zachowaj ten kod w bezpiecznym miejscu. Dzięki niemu możesz "
        "{withdraw} albo {changes}. Nikt inny nie powiąże tego kodu z Tobą.",
    },
    # The intake thank-you page of the outcome surveys (English only, as those surveys
    # are for now): how the end-of-support questions will come, and that her code works
    # without being asked. Safe on a shared phone: nothing names the subject.
    "pairing_heading": {"en": "When your support ends"},
    "pairing_invite": {
        "en": "We may ask you a few of these questions again when your support ends. We will "
        "only ask in a way you told us is safe, and we will check with you first. If you "
        "said it is not safe, or did not say, we will not contact you about it."
    },
    "pairing_any_time": {
        "en": "You do not have to wait to be asked. Whenever you answer the questions at the "
        "end of your support, in any way, enter the code above on their first page: your "
        "answers then and now are counted together. The code does not tell anyone who you are."
    },
    "withdraw": {
        "en": "take your answers back",
        "ar": "سحب إجاباتك",
        "pl": "wycofać swoje odpowiedzi",
    },
    "changes": {
        "en": "see what changed because of them",
        "ar": "معرفة ما تغيّر بسببها",
        "pl": "zobaczyć, co się dzięki nim zmieniło",
    },
}

_LINKS = {
    "{999}": Markup('<a href="tel:999">999</a>'),
    "{helpline}": Markup('<a href="tel:08082000247">0808 2000 247</a>'),
    "{childline}": Markup('<a href="tel:08001111">0800 1111</a>'),
    "{withdraw}": Markup('<a href="/withdraw">{}</a>'),
    "{changes}": Markup('<a href="/receipt">{}</a>'),
}


def frame_phrase(key: str, language: str, **values: str) -> str:
    """The plain frame phrase in `language` (English when it has none), `values` in place,
    for text the template escapes itself (a question's hint)."""
    texts = FRAME[key]
    text = texts.get(language) or texts["en"]
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def frame_text(key: str, language: str | None = None, **values: str) -> Markup:
    """The frame phrase in `language` (English when it has none) as markup, with its phone
    numbers and links in place and `values` (escaped) filled in."""
    language = language or "en"
    texts = FRAME[key]
    # The phrases are fixed text written here, not input: kept as written (apostrophes too).
    text = Markup(texts.get(language) or texts["en"])  # noqa: S704 - a constant above
    for name, value in values.items():
        text = text.replace("{" + name + "}", escape(value))
    for placeholder, link in _LINKS.items():
        if placeholder in text:
            inner = placeholder.strip("{}")
            label = frame_text(inner, language) if inner in FRAME else None
            text = text.replace(placeholder, link.format(label) if label else link)
    return text
