# الكشك: الشاشة والصوت (espeak-ng) والتذكرة الورقية.

## الأسئلة والأجوبة
kiosk-choose-language = اختر لغتك
kiosk-party-size = لكم شخصًا هذه التذكرة؟
kiosk-yes = نعم
kiosk-no = لا
kiosk-mediator = هل تحتاج إلى وسيط أو مترجم؟
kiosk-no-mediator = لا، شكرًا

## العناوين والرسائل
kiosk-issuing = لحظة من فضلك، نحن نجهز تذكرتك
kiosk-your-ticket = هذا هو رقمك
kiosk-closed = هذه الخدمة غير متاحة الآن
kiosk-closed-advice = اسأل في الاستقبال: سيخبرونك متى تعود أو إلى أين تذهب.
kiosk-offline = لا يمكننا إعطاء تذاكر الآن. يرجى التوجه إلى الاستقبال.
kiosk-server-error = حدث خطأ ما. يرجى التوجه إلى الاستقبال.
kiosk-still-there-speech = هل ما زلت هنا؟ سنبدأ من جديد قريبًا.
kiosk-help-sent = أبلغنا الموظفين: سيأتي أحدهم لمساعدتك.
kiosk-help-failed = لا يمكننا الوصول إلى الموظفين. يرجى التوجه إلى الاستقبال.
kiosk-help-coming = أحد الموظفين في طريقه إليك الآن.
kiosk-printer-failed = الطابعة لا تعمل. التقط صورة للشاشة أو تذكّر رقمك.

## التذكرة (الشاشة والورق)
kiosk-ahead-line = { people-ahead }: { $n }
kiosk-wait-line = { estimated-wait }: { wait-minutes }
kiosk-paper-privacy = لا تحمل هذه التذكرة اسمك. امسح الرمز المربع لمتابعة دورك.
kiosk-your-number = رقمك: { $number }
kiosk-qr-label = رمز QR لمتابعة دورك على هاتفك
kiosk-scan-hint = امسح الرمز لمتابعة دورك على هاتفك
kiosk-done = تم

## أزرار الشاشة وحالاتها
kiosk-start-over = ابدأ من جديد
kiosk-help-now = أحتاج إلى مساعدة الآن
kiosk-standard-layout = العرض العادي
kiosk-low-reach-layout = الأزرار في الأسفل (كرسي متحرك)
kiosk-no-connection = لا يوجد اتصال
kiosk-go-to-reception = يرجى التوجه إلى الاستقبال
kiosk-starting = جارٍ البدء…
kiosk-try-again = حاول مرة أخرى
kiosk-still-there = هل ما زلت هنا؟
kiosk-going-back = العودة إلى البداية خلال { $n ->
    [one] ثانية واحدة
    [two] ثانيتين
    [few] { $n } ثوانٍ
   *[other] { $n } ثانية
}
kiosk-more-time = أحتاج إلى مزيد من الوقت
kiosk-calling-staff = نتصل بالموظفين…
kiosk-ok = حسنًا
kiosk-wait-line-range = { estimated-wait }: { wait-range-minutes }

## الملخص، صفحات الخيارات، الصوت، الحالات
kiosk-no-desk-open = لا يوجد شباك مفتوح لهذه الخدمة الآن
kiosk-back = رجوع
kiosk-summary-title = لقد طلبت:
kiosk-summary-people = { $n ->
    [one] شخص واحد
    [two] شخصان
    [few] { $n } أشخاص
   *[other] { $n } شخص
}
kiosk-summary-mediator = وسيط: { $language }
kiosk-print-ticket = اطبع تذكرتي
kiosk-show-ticket = اعرض تذكرتي
kiosk-change = تغيير
kiosk-listen = استمع
kiosk-repeat = أعد
kiosk-volume = مستوى الصوت
kiosk-touch-again = لقد لمست: { $choice }. المس مرة أخرى للتأكيد.
kiosk-option-spoken = { $n }: { $label }.
kiosk-closed-opens = تفتح مرة أخرى في { $when }.
kiosk-closed-full = نفدت تذاكر اليوم لهذه الخدمة.
kiosk-more-choices = خيارات أخرى
kiosk-previous-choices = الخيارات السابقة
kiosk-page = { $page } من { $pages }
kiosk-ticket-speech = رقمك هو { $number }. { $label }.
kiosk-printer-none = هذا الكشك لا يطبع: التقط صورة للشاشة أو تذكر رقمك.

## المواعيد: تسجيل الوصول برمز ورقة الموعد (issue 16)
kiosk-have-appointment = لدي موعد
kiosk-appointment-title = اكتب الرمز الموجود في ورقة موعدك
# $code: الرمز المكتوب حتى الآن، مجموعات كما في الورقة (7K3M QD9P 4).
kiosk-appointment-code = الرمز: { $code }
kiosk-appointment-delete = احذف آخر حرف
kiosk-appointment-clear = امسح الكل
kiosk-appointment-check-in = سجّل وصولي
kiosk-appointment-typo = في هذا الرمز خطأ في الكتابة: تحقّق منه.
# $time: موعد بدء تسجيل الوصول، HH:MM بالتوقيت المحلي.
kiosk-appointment-early = يبدأ تسجيل الوصول الساعة { $time }
kiosk-appointment-early-soon = لم يبدأ تسجيل الوصول لهذا الموعد بعد
kiosk-appointment-early-advice = عُد إلى الكشك في ذلك الوقت، أو اسأل في الاستقبال.
kiosk-appointment-late = لقد فات وقت موعدك
kiosk-appointment-late-advice = أبلغنا الموظفين. خذ تذكرة عادية.
kiosk-appointment-take-ticket = خذ تذكرة عادية
kiosk-appointment-used = هذا الرمز استُخدم من قبل. إذا لم تكن أنت من استخدمه، اسأل في الاستقبال.
kiosk-appointment-unknown = لا نعرف هذا الرمز. قارنه بورقة موعدك، أو اسأل في الاستقبال.
kiosk-appointment-wait = رموز خاطئة كثيرة. انتظر دقيقة ثم حاول مرة أخرى.
kiosk-appointment-offline = لا يمكننا التحقق من رمزك الآن. حاول بعد قليل، أو اذهب إلى الاستقبال.
