# GDPR letters a person fills in (in the browser or the CLI; never sent to
# our server). Placeables: $broker (company), $name (the person), $identifiers
# (the phone numbers and emails to search, one per line), $place, $date.
# Articles cited from Regulation (EU) 2016/679, see SOURCES.md.

letter-access-subject = Access request under Article 15 GDPR
letter-access =
    To: { $broker }

    Dear Sir or Madam,

    Under Article 15 of the General Data Protection Regulation (GDPR), I ask you to confirm whether or not you process personal data concerning me. Please search in any case for data linked to:

    { $identifiers }

    If you do, I ask you to provide me with:
    1. a copy of all personal data concerning me that you process (Article 15(3));
    2. the purposes of the processing and the categories of personal data concerned;
    3. the recipients or categories of recipients to whom the data have been or will be disclosed;
    4. the period for which the data will be stored or, if that is not possible, the criteria used to determine that period;
    5. where the data were not collected from me, all available information as to their source (Article 15(1)(g)).

    Under Article 12(3) GDPR you must respond without undue delay and in any event within one month of receiving this request. If you need further information to confirm my identity, please tell me what you need.

    Yours faithfully,

    { $name }
    { $place }, { $date }

letter-erasure-subject = Erasure request and objection to direct marketing (Articles 17 and 21 GDPR)
letter-erasure =
    To: { $broker }

    Dear Sir or Madam,

    Under Article 21(2) of the General Data Protection Regulation (GDPR), I object to the processing of my personal data for direct marketing, including profiling related to it. Under Article 21(3) my data may then no longer be processed for such purposes. Where you rely on my consent for any processing, I withdraw it.

    Under Article 17 GDPR, and in particular Article 17(1)(c) given my objection, I ask you to erase without undue delay all personal data concerning me, in any case the data linked to:

    { $identifiers }

    I also ask you:
    1. to confirm to me in writing that the data have been erased;
    2. to communicate the erasure to each recipient to whom you have disclosed the data, and to tell me who those recipients are (Article 19);
    3. to stop selling or passing on my data.

    Under Article 12(3) GDPR you must respond without undue delay and in any event within one month of receiving this request.

    Yours faithfully,

    { $name }
    { $place }, { $date }

letter-complaint-nl = No answer within one month, or not satisfied with it? You can file a complaint with the Dutch Data Protection Authority (Autoriteit Persoonsgegevens): https://autoriteitpersoonsgegevens.nl/een-tip-of-klacht-indienen-bij-de-ap
letter-complaint-be = No answer within one month, or not satisfied with it? You can ask the Belgian Data Protection Authority (GBA/APD) to mediate, or file a complaint with it: https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen
