# صفحة التذكرة على هاتف الزائر.
ticket-title = تذكرتك
ticket-your-number = رقمك
ticket-waiting = في الانتظار
ticket-called = حان دورك!
ticket-serving = حان دورك: أنت عند المكتب
ticket-on-hold = متوقف مؤقتًا: ابقَ قريبًا، سننادي عليك مرة أخرى
ticket-done = انتهت الخدمة. شكرًا لك!
ticket-no-show = لم نرك تصل. يُرجى السؤال في مكتب الاستقبال.
ticket-cancelled = أُلغيت التذكرة
ticket-expired = انتهت صلاحيتها: أُغلق المكتب لهذا اليوم
# $when: the day and time it opens next, e.g. 02/12 08:30.
ticket-opens-again = يفتح مجددًا { $when }.
ticket-expired-what-now = لم تعد هذه التذكرة صالحة: يُرجى أخذ تذكرة جديدة عند فتح المكتب.
ticket-about-minutes = { $n ->
    [one] حوالي دقيقة واحدة
    [two] حوالي دقيقتين
    [few] حوالي { $n } دقائق
   *[other] حوالي { $n } دقيقة
}
ticket-under-a-minute = أقل من دقيقة
ticket-go-to = توجّه إلى
ticket-updates = تتحدّث هذه الصفحة تلقائيًا.
ticket-privacy = لا تحتوي هذه الصفحة على أي بيانات شخصية.
ticket-not-found-title = لم يتم العثور على التذكرة
ticket-not-found-text = هذا الرمز لا يطابق أي تذكرة لهذا اليوم، ربما انتهت صلاحيته. اسأل في مكتب الاستقبال، نحن هنا لمساعدتك.
ticket-too-many = طلبات كثيرة جدًا من هذا الهاتف. حاول مرة أخرى بعد دقيقة.
ticket-between-minutes = بين { $lo } و{ $hi } دقيقة
